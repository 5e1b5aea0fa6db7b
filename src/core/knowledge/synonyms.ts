/**
 * The article's terms in both languages, folded to one token at index time and at query
 * time, so "门槛", "临界点", "tipping point" and "阈值" meet, and so do "32×32",
 * "1024像素" and "1024 pixels". Pure: no I/O.
 *
 * Each group maps its surface forms to a canonical token. Tokens end in a digit so the
 * English stemmer leaves them alone, and they are spaced out of the Chinese around them,
 * so a Chinese word next to one still segments as it would. Sizes and numbers are terms
 * too: `32x32`, `600亿` and `60 billion` each become one token the entries that use them share.
 */

interface Group {
  token: string;
  /** Surface forms, in already-normalised text (lower case, simplified Chinese). */
  forms: readonly string[];
}

// Longer phrases come before the words they contain (压缩软件 before 压缩).
const GROUPS: readonly Group[] = [
  { token: 'zip0', forms: ['压缩软件', '解压软件', '压缩工具', 'compression software', 'compression program', 'compression tool', 'zip tool', 'zip program', 'zip software', 'winrar', 'winzip'] },
  { token: 'lossless0', forms: ['无损压缩', '无损', 'lossless compression', 'lossless'] },
  { token: 'worldmodel0', forms: ['世界模型', 'world models', 'world model'] },
  { token: 'monalisa0', forms: ['蒙娜丽莎', '蒙拉丽莎', '蒙娜莉莎', 'mona lisa', 'monalisa', 'la gioconda', 'gioconda'] },
  {
    token: 'threshold0',
    forms: ['阈值', '门槛', '临界点', '临界值', '分水岭', '分界线', '分界点', '坎儿', '坎', 'threshold', 'tipping point', 'critical point', 'cutoff', 'cut-off'],
  },
  // The plural says "more than one": it is its own term, the multiple-thresholds entry's.
  { token: 'thresholds0', forms: ['thresholds', 'tipping points', 'critical points', 'cutoffs'] },
  { token: 'emergence0', forms: ['智能涌现', '涌现', '湧現', 'emergences', 'emergence', 'emergent', 'emerges', 'emerged', 'emerging', 'emerge'] },
  { token: 'sudden0', forms: ['突然', '一下子全', '一下全', '一下就', '一下子', '一瞬间', '瞬间', '顿时', '猛然', 'all of a sudden', 'all at once', 'out of the blue', 'out of nowhere', 'at once', 'suddenly', 'sudden'] },
  { token: 'compression0', forms: ['压缩', 'compression', 'compressing', 'compressed', 'compresses', 'compress'] },
  { token: 'generalization0', forms: ['泛化', 'generalizations', 'generalization', 'generalisation', 'generalize', 'generalise', 'generalizes', 'generalises', 'generalizing', 'generalising', 'generalized', 'generalised'] },
  { token: 'knowledge0', forms: ['知识', 'knowledge'] },
  { token: 'ai', forms: ['人工智能', 'artificial intelligence', 'a.i.'] },
  { token: 'intelligence0', forms: ['智能', 'intelligent', 'intelligence'] },
  { token: 'observer0', forms: ['观察者', 'observers', 'observer'] },
  { token: 'loss0', forms: ['误差', 'loss'] },
  { token: 'analogy0', forms: ['类比', '比喻', '打个比方', '打比方', 'analogies', 'analogy', 'metaphors', 'metaphor'] },
  {
    token: 'inexpressible0',
    forms: ['无法用语言表达', '不能用语言表达', '无法表达', '说不出来', '说不出', '说不清', "can't be put into words", 'cannot be put into words', 'put into words', "can't be said", 'cannot be said', "can't be expressed", 'cannot be expressed', 'inexpressible', 'unspeakable'],
  },
  { token: 'ceiling0', forms: ['极限', '上限', '天花板', '到顶', '到头', '尽头', '停下来', '停下', '停止', '停滞', '会停', '止步', 'stop working', 'stops working', 'stop getting', 'stops getting', '最多能多强', 'maximum', 'max out', 'stop improving', 'ever stop', 'upper limits', 'upper limit', 'ceilings', 'ceiling'] },
  { token: 'useful0', forms: ['能干啥', '能干嘛', '能干什么', '有什么用', '有啥用', '有何用', '有什么好处', '有啥好处', '用处', '好处', 'what good is', 'useful', 'usefulness'] },
  { token: 'times4', forms: ['4倍', '四倍', '几倍', '多少倍', 'how many times bigger', 'how much bigger', 'how much larger', '4x', 'four times', 'fourfold', 'quadruple', 'quadruples', 'quadrupled'] },
  { token: 'unstable0', forms: ['时灵时不灵', '时多时少', '时有时无', '一会对一会错', '时对时错', '有时对有时错', '不稳定', 'unstable', 'instability', 'inconsistent', 'flaky', 'hit or miss', 'hit-or-miss'] },
  { token: 'success0', forms: ['成功', '赢了', '赢在', '胜出', '能成', '做成', 'succeeded', 'succeeds', 'succeed', 'success', 'successful'] },
  { token: 'sandcastle0', forms: ['沙堡', 'sandcastles', 'sandcastle', 'sand castles', 'sand castle'] },
  { token: 'billiards0', forms: ['台球', '桌球', 'billiards', 'billiard', 'snooker', 'pool player', 'pool table'] },
  { token: 'compute0', forms: ['算力', 'computing power', 'compute power', 'compute'] },
  { token: 'blur0', forms: ['模糊', '太糊', '很糊', '糊了', '糊成', '马赛克', '低分辨率', 'blurry', 'blurred', 'blur', 'pixelated', 'pixelation', 'mosaic', 'low-resolution', 'low resolution', 'low-res', 'blocky', 'coarse'] },
  {
    token: 'recognise0',
    forms: ['认出来', '认出', '认得出', '看出来', '看出', '看得出', '看懂', '看明白', '看清', '辨认', '识别', 'recognises', 'recognizes', 'recognised', 'recognized', 'recognise', 'recognize', 'recognising', 'recognizing', 'make sense', 'makes sense', 'made sense', 'tell what it is', 'make out', 'made out'],
  },
  { token: 'bigmodel0', forms: ['大语言模型', '语言模型', '大模型', 'large language models', 'large language model', 'language models', 'language model', 'large models', 'large model', 'big models', 'big model', 'llms', 'llm'] },
  { token: 'ability0', forms: ['能力', '本事', '本领', 'abilities', 'ability', 'skills', 'skill', 'capabilities', 'capability'] },
  { token: 'smart0', forms: ['聪明', 'smarter', 'smart', 'clever', 'cleverer'] },
  { token: 'pixel0', forms: ['像素', '色块', 'pixels', 'pixel', 'px'] },
  { token: 'parameter0', forms: ['参数', 'parameters', 'parameter', 'params'] },
  { token: 'picture0', forms: ['图片', '图像', '画面', 'pictures', 'picture', 'images', 'image', 'photos', 'photo'] },
  { token: 'fan0', forms: ['扇子', '扇扇子', '挥扇子', 'fans', 'fan'] },
];

// Sizes and counts. Run before the word groups, on digits the word groups do not touch.
const NUMBER_RULES: readonly [RegExp, string][] = [
  // 2x32x32 = 2048: two 32x32 frames.
  [/\b2\s*[x×*✕]\s*32\s*[x×*✕]\s*32\b/g, ' 2048 '],
  // 32 by 32 → 32x32.
  [/(?<![\d.])(\d+)\s+by\s+(\d+)(?![\d.])/g, ' $1x$2 '],
  // 32×32, 32*32, 32 x 32 → 32x32.
  [/(\d+)\s*[x×*✕]\s*(\d+)/g, ' $1x$2 '],
  // A bare side names its size when it stands alone ("32到64差那么多"): the article uses these only as picture sides.
  // Arithmetic ("32 times 32", "32乘32") is not a picture, nor a number after a name ("iPhone 16").
  [/(?<![\d.x])(?<!(?:times|plus|minus|over|乘以?|加|减|除以?)\s*)(?<!(?<![\p{L}])(?!(?:is|are|was|the|of|from|to|and|at|by|vs|versus|about|than|with|only|just|like|why|at|as|in|on)\s)[a-z]+\s*)(16|32|64)(?![\d.x%])(?!\s*(?:位|bit|岁|年|gb|mb|度|个|乘|加|减|除|times|plus|minus|over|divided|squared))/gu, ' $1x$1 '],
  // A pixel count names its size: 1024 pixels is 32x32 (and 4096, 256 likewise).
  [/(?<![\d.x])1,?024(?![\d.x])(?:\s*(?:个)?\s*(?:像素|pixels?|px))?/g, ' 32x32 '],
  [/(?<![\d.x])4,?096(?![\d.x])(?:\s*(?:个)?\s*(?:像素|pixels?|px))?/g, ' 64x64 '],
  [/(?<![\d.x])256(?![\d.x])\s*(?:个)?\s*(?:像素|pixels?|px)/g, ' 16x16 '],
  [/(?<![\d.x])2,?048(?![\d.x])(?:\s*(?:个)?\s*(?:像素|pixels?|px))?/g, ' 2048 '],
  // 600亿 = 60 billion; 千亿 = 100 billion; 100万亿 = 100 trillion.
  [/(?:600\s*亿|六百亿|(?<![\d.])60\s*(?:billion|bn|b)\b|sixty\s+billion)/g, ' p60b '],
  [/(?:100\s*万亿|百万亿|(?<![\d.])100\s*(?:trillion|t)\b|hundred\s+trillion)/g, ' p100t '],
  [/(?:千亿|1000\s*亿|(?<![\d.])100\s*(?:billion|bn|b)\b|hundred[\s-]+billion)/g, ' p100b '],
  // 1+1=2, the article's example of what is easy to understand and hard to prove, is one term.
  [/(?<![\d.])1\s*\+\s*1(?:\s*=\s*2)?(?![\d.])/g, ' oneplusone1 '],
  // The article's spans of time and its seven questions, in digits or words.
  [/(?<![\d.])10\s*(?:年|years?)|(?<![二三四五六七八九])十年|\bten\s+years\b|\b(?:past|last)\s+decade\b/g, ' years10 '],
  [/(?<![\d.])20\s*(?:年|years?)|二十年|\btwenty\s+years\b/g, ' years20 '],
  [/(?<![\d.])70\s*(?:年|years?)|七十年|\bseventy\s+years\b/g, ' years70 '],
  [/(?<![\d.])7\s*(?:个\s*)?(?:questions|问题)|七个问题|\bseven\s+questions\b/g, ' questions7 '],
  // GPT-4, GPT 4 and GPT4 are one name.
  [/\bgpt[\s-]*(\d+(?:\.\d+)?)(?![\d.])/g, ' gpt gpt$1 '],
  // Steps of the experiment: 第5步, 第五步, step 5, the 5th step → step5.
  [/第\s*([1-6一二三四五六])\s*步/g, ' step$1 '],
  [/\bstep\s*([1-6])\b/g, ' step$1 '],
  [/最后一步|最后那一步|最后一张/g, ' step6 '],
  // The whole experiment: six steps.
  [/(?<![\d.])6\s*(?:个\s*)?(?:steps|pictures|images|步骤|步|遍|张图?|幅图?)|\bsix\s+(?:steps|times|pictures|images)\b|六个步骤|六步|六遍|六张图?|六幅图?/g, ' steps6 '],
  [/\b(first|second|third|fourth|fifth|sixth|last|final)\s+step\b/g, ' step$1 '],
];

const STEP_WORDS: Record<string, string> = {
  一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6',
  first: '1', second: '2', third: '3', fourth: '4', fifth: '5', sixth: '6', last: '6', final: '6',
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const HAN = /\p{Script=Han}/u;
const LATIN_WORD = '\\p{Script=Latin}\\p{N}';
// Where Chinese meets Latin letters or digits with no space between ("world model是啥", "用了1024像素").
const SCRIPT_EDGE = /(?<=\p{Script=Han})(?=[\p{L}\p{N}])(?!\p{Script=Han})|(?<=[\p{L}\p{N}])(?<!\p{Script=Han})(?=\p{Script=Han})/gu;

function groupPattern(g: Group): RegExp {
  const forms = [...g.forms].sort((a, b) => b.length - a.length);
  // Latin forms match whole words only ("fan" is not in "fantasy"); Chinese has no word edges.
  // A Han character next to a Latin form is a word edge too ("world model是啥"): Han counts as \p{L}.
  const alt = forms.map((f) => (HAN.test(f) ? escape(f) : `(?<![${LATIN_WORD}])${escape(f)}(?![${LATIN_WORD}])`)).join('|');
  return new RegExp(alt, 'gu');
}

const COMPILED = GROUPS.map((g) => ({ token: g.token, re: groupPattern(g) }));

/** Every canonical token (for tests and the bench). */
export const SYNONYM_TOKENS: readonly string[] = GROUPS.map((g) => g.token);

/** Folds synonyms, sizes and numbers in normalised text to their canonical tokens. */
export function foldSynonyms(text: string): string {
  // Chinese is written without spaces around English words and numbers; a space at each such
  // edge lets "world model是啥" fold as "world model 是啥" does.
  let out = text.replace(SCRIPT_EDGE, ' ');
  for (const [re, to] of NUMBER_RULES) out = out.replace(re, to);
  out = out.replace(/ step(first|second|third|fourth|fifth|sixth|last|final|[一二三四五六]) /g, (_m, w: string) => ` step${STEP_WORDS[w]} `);
  for (const { token, re } of COMPILED) out = out.replace(re, ` ${token} `);
  return out;
}
