/**
 * The shape of a question, read from its frame: "what is X" names a topic, "why …" asks for
 * a cause. Works on normalised text (lower case, simplified Chinese). Pure.
 */

// "what is the threshold", "what's a world model", "what does emergent mean", "define loss",
// "meaning of emergence", "tell me about RLHF".
const EN_WHAT: readonly RegExp[] = [
  // "what's so special about X", "what's the deal with X", "what counts as X" ask for X too.
  /^(?:so\s+|ok\s+|and\s+)?(?:what|whats|what's|wat)\s+(?:(?:is|are|was|were|does|do|'s)\s+)?(?:(?:so\s+)?special\s+(?:about|with)\s+|the\s+(?:deal|story)\s+(?:with|behind)\s+|(?:counts|qualifies)\s+as\s+)?(?:(?:a|an|the|this|that)\s+)?(.+?)\s*(?:mean|means|meant|about|anyway|exactly|again|really|then)?\s*$/,
  /^(?:define|definition of|meaning of|the meaning of|explain|tell me about|about|describe)\s+(?:(?:a|an|the)\s+)?(.+?)\s*$/,
];

// 什么是X, 啥是X, 何为X, 什么叫X; X是什么, X是啥, X是啥意思, X什么意思, X咋理解 …
const ZH_WHAT_BEFORE = /^(?:请问|那|所以|到底)?(?:什么是|啥是|何为|何谓|什么叫做?|啥叫|怎么理解|如何理解|咋理解|解释一下|解释|说说|讲讲)(.+)$/;
const ZH_WHAT_AFTER =
  /^(.+?)(?:到底|究竟)?(?:是什么意思|是啥意思|啥意思|什么意思|是个啥|是什么东西|是啥东西|是什么|是啥|指什么|指的是什么|是指什么|咋理解|怎么理解|如何理解|咋回事|怎么回事|是怎么回事|讲的是什么|讲了啥|讲了什么|说的是什么)(?:呢|啊|呀|哈)?$/;

const TRIM = /^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu;

/** The X of "what is X", or undefined when the question has another shape. */
export function whatIsSubject(normalized: string): string | undefined {
  const q = normalized.replace(TRIM, '').replace(/\s+/g, ' ');
  if (!q) return undefined;
  for (const re of EN_WHAT) {
    const m = re.exec(q);
    if (m?.[1]) return m[1].replace(TRIM, '') || undefined;
  }
  // Spaces next to Chinese go ("世界 模型 是啥"); spaces between English words stay ("world model是啥").
  const compact = q.replace(/\s+(?=\p{Script=Han})|(?<=\p{Script=Han})\s+/gu, '');
  const m = ZH_WHAT_BEFORE.exec(compact) ?? ZH_WHAT_AFTER.exec(compact);
  return m?.[1] ? m[1].replace(TRIM, '') || undefined : undefined;
}

const EN_WHY = /(?<![\p{L}])(?:why|how come|what makes|what made|reason)(?![\p{L}])/u;
const ZH_WHY = /为什么|为啥|凭啥|凭什么|怎么会|咋会|何以|为何|原因|咋就|怎么就/;

/** True for a question that asks for a cause. */
export function isWhyQuestion(normalized: string): boolean {
  return EN_WHY.test(normalized) || ZH_WHY.test(normalized);
}
