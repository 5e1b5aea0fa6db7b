import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/** Migrations live in code so that they ship with the bundle and run in order by name. */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('rounds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('scope_id', 'text', (c) => c.notNull())
        .addColumn('deck_id', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('step_seconds', 'integer', (c) => c.notNull())
        .addColumn('host_id', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull().defaultTo('en'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('end_reason', 'text')
        .addColumn('step', 'integer', (c) => c.notNull())
        .addColumn('first_solver_id', 'text')
        .addColumn('started_at', 'integer', (c) => c.notNull())
        .addColumn('ended_at', 'integer')
        .execute();
      await db.schema.createIndex('rounds_status').on('rounds').column('status').execute();
      await db.schema.createIndex('rounds_item').on('rounds').columns(['deck_id', 'item_id']).execute();

      await db.schema
        .createTable('guesses')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('round_id', 'text', (c) => c.notNull().references('rounds.id'))
        .addColumn('player_id', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('scope_id', 'text', (c) => c.notNull())
        .addColumn('deck_id', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('step', 'integer', (c) => c.notNull())
        .addColumn('text_norm', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('first', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('guesses_round').on('guesses').columns(['round_id', 'player_id']).execute();
      await db.schema.createIndex('guesses_player').on('guesses').column('player_id').execute();
      // Exactly one first solver per round, enforced by the database itself.
      await sql`CREATE UNIQUE INDEX guesses_one_first ON guesses (round_id) WHERE first = 1`.execute(db);

      await db.schema
        .createTable('scores')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('scope_id', 'text', (c) => c.notNull())
        .addColumn('player_id', 'text', (c) => c.notNull())
        .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('wins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('solved', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('scores_pk', ['scope', 'scope_id', 'player_id'])
        .execute();
      await db.schema.createIndex('scores_board').on('scores').columns(['scope', 'scope_id', 'points']).execute();

      await db.schema
        .createTable('players')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .execute();
    },
  },
  /**
   * Indexes for the emergence statistics (src/stats/queries.ts). Each one covers its query, so the
   * query reads the index only, in the order it groups by:
   * - first encounters per picture: guesses grouped by (deck, item, player, round), with verdict, step, server;
   * - the last step a round showed, by round id;
   * - wrong guesses per picture and step, counted by distinct players;
   * - a player's first encounters (/stats me) and footprint (/privacy);
   * - a server's players (by picture) and guesses, and the pictures its rounds showed.
   */
  '0002_stats': {
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('guesses_stats_attempts')
        .on('guesses')
        .columns(['deck_id', 'item_id', 'player_id', 'round_id', 'verdict', 'step', 'scope_id'])
        .execute();
      await db.schema
        .createIndex('guesses_stats_wrong')
        .on('guesses')
        .columns(['deck_id', 'item_id', 'verdict', 'step', 'text_norm', 'player_id', 'round_id'])
        .execute();
      await db.schema
        .createIndex('guesses_stats_player')
        .on('guesses')
        .columns(['player_id', 'deck_id', 'item_id', 'round_id', 'verdict', 'step'])
        .execute();
      // guesses_stats_player starts with player_id: the single-column index is redundant (one index less per write).
      await db.schema.dropIndex('guesses_player').ifExists().execute();
      await db.schema
        .createIndex('guesses_stats_scope')
        .on('guesses')
        .columns(['scope_id', 'deck_id', 'item_id', 'player_id', 'round_id'])
        .execute();
      // The last step a round showed, read from the index alone (rounds are keyed by a text id).
      await db.schema.createIndex('rounds_stats_step').on('rounds').columns(['id', 'step']).execute();
      await db.schema.createIndex('rounds_stats_scope').on('rounds').columns(['scope_id', 'deck_id', 'item_id']).execute();
      await db.schema.createIndex('rounds_first_solver').on('rounds').column('first_solver_id').execute();
      await db.schema.createIndex('rounds_host').on('rounds').column('host_id').execute();
    },
  },
  /**
   * A round's live state in the database (issue: many instances on one PostgreSQL): the next step's due
   * time, the owning instance's lease, the round message's reference, per-player guess counts, and at
   * most one running round per channel, enforced by the database across instances.
   */
  '0050_live_rounds': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('rounds').addColumn('due_at', 'bigint').execute();
      await db.schema.alterTable('rounds').addColumn('owner_id', 'text').execute();
      await db.schema.alterTable('rounds').addColumn('lease_until', 'bigint').execute();
      await db.schema.alterTable('rounds').addColumn('message_ref', 'text').execute();
      await db.schema.alterTable('rounds').addColumn('announced', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      // Rounds running before this migration have no due time: recovery closes them as interrupted, as before.
      // Two running rounds in one channel (a crash left one behind) would break the index: keep the newest.
      await sql`UPDATE rounds SET status = 'interrupted', end_reason = 'interrupted', ended_at = started_at
        WHERE status = 'running' AND EXISTS (SELECT 1 FROM rounds r2
          WHERE r2.channel_id = rounds.channel_id AND r2.status = 'running' AND r2.started_at > rounds.started_at)`.execute(db);
      await sql`CREATE UNIQUE INDEX rounds_one_running ON rounds (channel_id) WHERE status = 'running'`.execute(db);
      await db.schema
        .createTable('round_players')
        .addColumn('round_id', 'text', (c) => c.notNull().references('rounds.id'))
        .addColumn('player_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('count_step', 'integer', (c) => c.notNull())
        .addColumn('guesses', 'integer', (c) => c.notNull())
        .addColumn('solved_step', 'integer')
        .addColumn('points', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('round_players_pk', ['round_id', 'player_id'])
        .execute();
    },
  },
  /** The per-user spam guard, shared by every instance (src/storage/rate-limits.ts). */
  '0060_rate_limits': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .execute();
    },
  },
  /** Forget-me confirmation codes, shared by every instance (src/storage/forget-codes.ts). */
  '0070_forget_codes': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('forget_codes')
        .addColumn('player_id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('tries', 'integer', (c) => c.notNull())
        .execute();
    },
  },
  /**
   * Slack deliveries already taken (event ids, Socket Mode envelope ids, signed HTTP requests), so
   * that retries and replays are handled once across every instance on the database. Rows are
   * pruned after an hour (Slack retries within about half an hour; signatures expire in five minutes).
   */
  '0090_slack_events': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('slack_events')
        .addColumn('event_id', 'text', (c) => c.primaryKey())
        .addColumn('seen_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('slack_events_seen_at').on('slack_events').column('seen_at').execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

