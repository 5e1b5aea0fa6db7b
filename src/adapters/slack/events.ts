/**
 * Slack's side of hosted events: the channel reminder, scheduled on Slack's side with
 * `chat.scheduleMessage` 10 minutes before the start (so it arrives even if no instance of the bot
 * runs at that moment), deleted with `chat.deleteScheduledMessage` when the event is cancelled or
 * started early; and the reminder to each player who joined, in the app's DM with them.
 * Everything here is best effort: the event runs the same without it.
 */
import type { Logger } from 'pino';
import type { Reply } from '../../core/reply.ts';
import type { EventPlatform, PlatformEvent, PlatformSchedule } from '../../runtime/event-service.ts';
import { raw } from './inbound.ts';
import { slackErrorCode, type SlackOut } from './outbound.ts';

export class SlackEventPlatform implements EventPlatform {
  constructor(
    private readonly out: SlackOut,
    private readonly log: Logger,
  ) {}

  async scheduled(ev: PlatformEvent, o: PlatformSchedule) {
    if (o.reminderAt === null) return {};
    const msg = this.out.message(o.reminder);
    const res = await this.out.client.chat.scheduleMessage({
      channel: raw(ev.channelId),
      post_at: Math.floor(o.reminderAt / 1000),
      text: msg.text,
      blocks: msg.blocks as never,
      unfurl_links: false,
      unfurl_media: false,
    });
    return { ref: res.scheduled_message_id ? String(res.scheduled_message_id) : null };
  }

  async started(ev: PlatformEvent, ref: string | null): Promise<void> {
    // Started before the reminder was due: it would announce a start that has passed.
    if (ref) await this.unschedule(ev, ref);
  }

  async cancelled(ev: PlatformEvent, ref: string | null): Promise<void> {
    if (ref) await this.unschedule(ev, ref);
  }

  /** chat.postMessage to a user id posts in the app's DM with them (chat:write is enough). */
  async remind(ev: PlatformEvent, playerIds: string[], reply: Reply): Promise<void> {
    const msg = this.out.message(reply);
    for (const player of playerIds) {
      const user = raw(player);
      try {
        await this.out.post(user, msg);
      } catch (err) {
        this.log.info({ eventId: ev.id, user, slack: slackErrorCode(err) }, 'slack: could not send an event reminder by DM');
      }
    }
  }

  private async unschedule(ev: PlatformEvent, id: string): Promise<void> {
    try {
      await this.out.client.chat.deleteScheduledMessage({ channel: raw(ev.channelId), scheduled_message_id: id });
    } catch (err) {
      // Already posted (its time has come): nothing left to delete.
      if (slackErrorCode(err) === 'invalid_scheduled_message_id') return;
      throw err;
    }
  }
}
