/** The shared adapter behaviours (test/adapters/shared-suite.ts), on Slack, in both modes. */
import { adapterSuite, type AdapterDriver, type Player } from '../adapters/shared-suite.ts';
import { CHANNEL, makeWorld, type Mode } from './harness.ts';
import { allVersionTexts, ephemeralText, hasLiveMention, header, versionText } from './inspect.ts';

const IDS: Record<Player, string> = { host: 'UHOST', alice: 'UALICE', bob: 'UBOB', evil: 'UEVIL' };
const NAMES: Record<Player, string> = {
  host: 'Hostess',
  alice: 'Alice',
  bob: 'Bob',
  evil: '&lt;!channel&gt; &amp; @\u2060everyone &lt;@UADMIN&gt;',
};

async function slackDriver(mode: Mode): Promise<AdapterDriver> {
  const w = await makeWorld(mode);
  const inChannel = () => w.slack.messages.filter((m) => m.channel === CHANNEL);
  return {
    app: w.t.app,
    clock: w.t.clock,
    channelId: `slack:${CHANNEL}`,
    command: async (p, name, args) => {
      await w.slash(IDS[p], `${name}${args ? ' ' + args : ''}`);
    },
    guess: async (p, text) => {
      await w.slash(IDS[p], `guess ${text}`);
    },
    publicTexts: () => inChannel().flatMap(allVersionTexts),
    privateTexts: (p) => [
      ...w.slack.ephemerals.filter((e) => e.user === IDS[p]).map(ephemeralText),
      ...w.slack.responses.map((r) => versionText(r.body as never)),
    ],
    // A recap is a channel message that starts as one (the round message only ends as one).
    recaps: () =>
      inChannel()
        .filter((m) => !m.thread_ts && m.kind === 'message' && /^It was/.test(header(m.versions[0]) ?? ''))
        .map((m) => allVersionTexts(m).join('\n')),
    hasLiveMention,
    renderedName: (p) => NAMES[p],
    close: () => w.close(),
  };
}

adapterSuite('slack, Socket Mode', () => slackDriver('socket'));
adapterSuite('slack, HTTP mode', () => slackDriver('http'));
