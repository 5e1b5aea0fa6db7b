/**
 * Discord's side of hosted events:
 *   - a Guild Scheduled Event (external, at the channel, with the start and an estimated end) for an
 *     event that starts later, when the bot may create events in the guild; it goes active when the
 *     game starts, completed at the end, and is cancelled with the event;
 *   - the reminder, by direct message, to each player who joined.
 * Everything here is best effort: the event runs the same without it.
 *
 * Creation goes through the guild's cached manager (the shard that took `/event create` has the guild);
 * later changes go straight to REST, so whichever instance runs the event's timer can make them.
 */
import {
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  GuildScheduledEventStatus,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  Routes,
  type Client,
} from 'discord.js';
import type { Logger } from 'pino';
import type { Reply } from '../../core/reply.ts';
import { truncate } from '../../core/text/truncate.ts';
import type { EventPlatform, PlatformEvent } from '../../runtime/event-service.ts';
import { renderMessage } from './render.ts';
import { isCode } from './sink.ts';

const NO_PERMISSION = { notes: ['event.note.no-scheduled-event' as const] };

/** `discord:123` → `123`. */
const rawId = (key: string) => key.slice(key.indexOf(':') + 1);

export class DiscordEventPlatform implements EventPlatform {
  constructor(
    private readonly client: Client,
    private readonly log: Logger,
  ) {}

  async scheduled(ev: PlatformEvent) {
    const guildId = rawId(ev.scopeId);
    const channelId = rawId(ev.channelId);
    const guild = this.client.guilds.cache.get(guildId);
    if (!guild) {
      this.log.warn({ guildId, eventId: ev.id }, 'discord: the event guild is not cached here; no scheduled event');
      return {};
    }
    // Known up front from the cached roles; a refusal by Discord (roles changed meanwhile) says the same.
    const me = guild.members.me;
    if (me && !me.permissions.any([PermissionFlagsBits.CreateEvents, PermissionFlagsBits.ManageEvents])) return NO_PERMISSION;
    const channel = guild.channels.cache.get(channelId);
    const link = `https://discord.com/channels/${guildId}/${channelId}`;
    const named = channel ? `#${channel.name} · ${link}` : link;
    try {
      const created = await guild.scheduledEvents.create({
        name: truncate(ev.name, 100),
        description: truncate(ev.summary, 1000),
        scheduledStartTime: new Date(ev.startAt),
        scheduledEndTime: new Date(ev.endAt),
        privacyLevel: GuildScheduledEventPrivacyLevel.GuildOnly,
        entityType: GuildScheduledEventEntityType.External,
        entityMetadata: { location: named.length <= 100 ? named : link },
      });
      return { ref: created.id };
    } catch (err) {
      if (isCode(err, RESTJSONErrorCodes.MissingPermissions) || isCode(err, RESTJSONErrorCodes.MissingAccess)) return NO_PERMISSION;
      throw err;
    }
  }

  async started(ev: PlatformEvent, ref: string | null): Promise<void> {
    if (ref) await this.setStatus(ev, ref, GuildScheduledEventStatus.Active);
  }

  async finished(ev: PlatformEvent, ref: string | null): Promise<void> {
    if (ref) await this.setStatus(ev, ref, GuildScheduledEventStatus.Completed);
  }

  async cancelled(ev: PlatformEvent, ref: string | null, o: { wasRunning: boolean }): Promise<void> {
    // Discord lets only a scheduled entry be cancelled; a live one ends.
    if (ref) await this.setStatus(ev, ref, o.wasRunning ? GuildScheduledEventStatus.Completed : GuildScheduledEventStatus.Canceled);
  }

  /** One DM per player; someone who does not take DMs from the server's members is skipped (and logged). */
  async remind(ev: PlatformEvent, playerIds: string[], reply: Reply): Promise<void> {
    const payload = renderMessage(reply);
    for (const player of playerIds) {
      const userId = rawId(player);
      try {
        await this.client.users.send(userId, payload);
      } catch (err) {
        this.log.info({ eventId: ev.id, userId, code: (err as { code?: unknown }).code }, 'discord: could not send an event reminder by DM');
      }
    }
  }

  private async setStatus(ev: PlatformEvent, ref: string, status: GuildScheduledEventStatus): Promise<void> {
    await this.client.rest.patch(Routes.guildScheduledEvent(rawId(ev.scopeId), ref), { body: { status } });
  }
}
