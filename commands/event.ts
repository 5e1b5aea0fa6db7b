import { defineCommand } from '../src/core/commands/define.ts';
import { UserError } from '../src/core/errors.ts';
import { DEFAULT_ROUNDS, MAX_ROUNDS, MAX_TEAMS, MIN_ROUNDS } from '../src/core/events/event.ts';
import type { EventPort } from '../src/core/events/port.ts';
import { MAX_STEP_SECONDS, MIN_STEP_SECONDS, type Mode } from '../src/core/game/round.ts';
import {
  announcementReply,
  cancelledReply,
  eventLeaderboardReply,
  joinedReply,
  leftReply,
  startedReply,
  statusReply,
  noteText,
  teamFromText,
} from '../src/views/events.ts';

const ACTIONS = ['create', 'join', 'leave', 'start', 'cancel', 'status', 'leaderboard'] as const;
type Action = (typeof ACTIONS)[number];

export default defineCommand({
  name: 'event',
  description: { en: 'Hosted events: several rounds, a podium and the emergence report', zh: '主持活动：连续多局、颁奖台和涌现报告' },
  options: [
    {
      kind: 'choice',
      name: 'action',
      required: true,
      // On Discord each action is a subcommand (`/event join team:blue`); in text it is the first word.
      subcommand: true,
      description: { en: 'create, join, leave, start, cancel, status or leaderboard', zh: '创建、加入、退出、开始、取消、状态或排行榜' },
      choices: [
        { value: 'create', label: { en: 'create (host)', zh: '创建（主持人）' } },
        { value: 'join', label: { en: 'join', zh: '加入' } },
        { value: 'leave', label: { en: 'leave', zh: '退出' } },
        { value: 'start', label: { en: 'start now (host)', zh: '立即开始（主持人）' } },
        { value: 'cancel', label: { en: 'cancel (host)', zh: '取消（主持人）' } },
        { value: 'status', label: { en: 'status', zh: '状态' } },
        { value: 'leaderboard', label: { en: 'leaderboard', zh: '排行榜' } },
      ],
    },
    { kind: 'string', name: 'name',
      subcommands: ['create'], maxLength: 80, description: { en: 'create: the event name', zh: '创建：活动名称' } },
    { kind: 'string', name: 'deck',
      subcommands: ['create'], description: { en: 'create: the deck (see /decks)', zh: '创建：图库（见 /decks）' } },
    {
      kind: 'integer',
      name: 'rounds',
      subcommands: ['create'],
      min: MIN_ROUNDS,
      max: MAX_ROUNDS,
      description: { en: `create: rounds (${MIN_ROUNDS}-${MAX_ROUNDS}, default ${DEFAULT_ROUNDS})`, zh: `创建：局数（${MIN_ROUNDS}-${MAX_ROUNDS}，默认 ${DEFAULT_ROUNDS}）` },
    },
    {
      kind: 'choice',
      name: 'mode',
      subcommands: ['create'],
      description: { en: 'create: race or experiment', zh: '创建：竞速或实验' },
      choices: [
        { value: 'race', label: { en: 'race', zh: '竞速' } },
        { value: 'experiment', label: { en: 'experiment', zh: '实验' } },
      ],
    },
    { kind: 'string', name: 'start',
      subcommands: ['create'], maxLength: 40, description: { en: 'create: now, an ISO time (UTC), or a delay like "in 30m"', zh: '创建：now、ISO 时间（UTC）或延时如 "in 30m"' } },
    {
      kind: 'integer',
      name: 'teams',
      subcommands: ['create'],
      min: 0,
      max: MAX_TEAMS,
      description: { en: `create: 0 (no teams) or 2-${MAX_TEAMS} teams`, zh: `创建：0（不分队）或 2-${MAX_TEAMS} 队` },
    },
    { kind: 'string', name: 'items',
      subcommands: ['create'], maxLength: 500, description: { en: 'create: picture ids, comma-separated, in order', zh: '创建：图片编号，逗号分隔，按顺序' } },
    {
      kind: 'integer',
      name: 'step-seconds',
      subcommands: ['create'],
      min: MIN_STEP_SECONDS,
      max: MAX_STEP_SECONDS,
      description: { en: `create: seconds per step (${MIN_STEP_SECONDS}-${MAX_STEP_SECONDS})`, zh: `创建：每步秒数（${MIN_STEP_SECONDS}-${MAX_STEP_SECONDS}）` },
    },
    { kind: 'string', name: 'team',
      subcommands: ['join'], maxLength: 20, description: { en: 'join: your team (number or colour)', zh: '加入：你的队伍（编号或颜色）' } },
  ],
  async run({ caller, services }, opts) {
    const events: EventPort | undefined = services.events;
    if (!events) throw new UserError('event-unavailable');
    const action = opts.action as Action;
    switch (action) {
      case 'create': {
        if (!caller.isHost) throw new UserError('not-host');
        const { event, notes } = await events.create(caller, {
          name: opts.name as string | undefined,
          deck: opts.deck as string | undefined,
          rounds: opts.rounds as number | undefined,
          mode: opts.mode as Mode | undefined,
          stepSeconds: opts['step-seconds'] as number | undefined,
          start: opts.start as string | undefined,
          teams: opts.teams as number | undefined,
          items: opts.items as string | undefined,
        });
        return [announcementReply(caller, event), ...notes.map((key) => ({ text: noteText(caller, key), ephemeral: true }))];
      }
      case 'join': {
        const team = opts.team === undefined ? undefined : teamFromText(String(opts.team));
        const { event, team: joined } = await events.join(caller, team);
        return joinedReply(caller, event, joined);
      }
      case 'leave':
        return leftReply(caller, await events.leave(caller));
      case 'start':
        return startedReply(caller, await events.start(caller));
      case 'cancel':
        return cancelledReply(caller, await events.cancel(caller));
      case 'status': {
        const { event, standings } = await events.status(caller);
        return statusReply(caller, event, standings);
      }
      case 'leaderboard': {
        const { event, standings } = await events.status(caller);
        return eventLeaderboardReply(caller, event, standings);
      }
    }
  },
});
