import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { deckMigrations } from '../decks/migrations.ts';

export type DialectName = 'sqlite' | 'postgres';

/**
 * Migrations live in code so that they ship with the bundle and run in order by name. One set serves
 * both databases; the few statements that must differ sit side by side, chosen by `dialect`.
 *
 * Timestamps are milliseconds since the epoch, as `bigint` (INTEGER affinity on SQLite, int8 on
 * PostgreSQL, read back as numbers: see store.ts). 0001 and 0002 ran on SQLite before PostgreSQL was
 * supported; SQLite databases made then have `integer` timestamps, which SQLite stores the same way.
 */
function migrations(dialect: DialectName): Record<string, Migration> {
  const pg = dialect === 'postgres';
  return {
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
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('ended_at', 'bigint')
          .execute();
        await db.schema.createIndex('rounds_status').on('rounds').column('status').execute();
        await db.schema.createIndex('rounds_item').on('rounds').columns(['deck_id', 'item_id']).execute();

        await db.schema
          .createTable('guesses')
          // SQLite: INTEGER PRIMARY KEY is the rowid; PostgreSQL: an identity column.
          .addColumn('id', pg ? 'bigint' : 'integer', (c) =>
            pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
          )
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
          .addColumn('created_at', 'bigint', (c) => c.notNull())
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
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('scores_pk', ['scope', 'scope_id', 'player_id'])
          .execute();
        await db.schema.createIndex('scores_board').on('scores').columns(['scope', 'scope_id', 'points']).execute();

        await db.schema
          .createTable('players')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    /** Indexes for the statistics as they were first written (over guesses); 0004 replaces most of them. */
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
        await db.schema.dropIndex('guesses_player').ifExists().execute();
        await db.schema
          .createIndex('guesses_stats_scope')
          .on('guesses')
          .columns(['scope_id', 'deck_id', 'item_id', 'player_id', 'round_id'])
          .execute();
        await db.schema.createIndex('rounds_stats_step').on('rounds').columns(['id', 'step']).execute();
        await db.schema.createIndex('rounds_stats_scope').on('rounds').columns(['scope_id', 'deck_id', 'item_id']).execute();
        await db.schema.createIndex('rounds_first_solver').on('rounds').column('first_solver_id').execute();
        await db.schema.createIndex('rounds_host').on('rounds').column('host_id').execute();
      },
    },
    /**
     * One row per (player, picture): the player's first encounter with it (round, server, step, time)
     * and, if they knew it in that round, when and at which step, written with the guess that decides
     * it. The statistics read these rows instead of looking for each player's first guess among all
     * guesses. Existing guesses are folded in here, with the same rules the statistics used.
     */
    '0003_recognitions': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('recognitions')
          .addColumn('player_id', 'text', (c) => c.notNull())
          .addColumn('deck_id', 'text', (c) => c.notNull())
          .addColumn('item_id', 'text', (c) => c.notNull())
          .addColumn('round_id', 'text', (c) => c.notNull())
          .addColumn('scope_id', 'text', (c) => c.notNull())
          .addColumn('first_step', 'integer', (c) => c.notNull())
          .addColumn('first_at', 'bigint', (c) => c.notNull())
          .addColumn('known_step', 'integer')
          .addColumn('known_at', 'bigint')
          .addPrimaryKeyConstraint('recognitions_pk', ['player_id', 'deck_id', 'item_id'])
          .execute();
        await backfillRecognitions(db);
        // A picture's attempts, read from the index alone in round order (then joined with rounds).
        await db.schema
          .createIndex('recognitions_picture')
          .on('recognitions')
          .columns(['deck_id', 'item_id', 'round_id', 'known_step', 'scope_id'])
          .execute();
        await db.schema
          .createIndex('recognitions_scope')
          .on('recognitions')
          .columns(['scope_id', 'deck_id', 'item_id', 'round_id', 'known_step'])
          .execute();
      },
    },
    /**
     * The statistics read recognitions now: the covering indexes over guesses that found first
     * encounters go (four fewer index writes per guess). What still reads guesses gets a narrow index:
     * the wrong guesses of a picture by step (only `wrong` guesses are indexed), a player's guesses
     * (/privacy, forget-me). Rounds are looked up by their primary key.
     */
    '0004_stats_indexes': {
      async up(db: Kysely<any>) {
        for (const ix of ['guesses_stats_attempts', 'guesses_stats_wrong', 'guesses_stats_player', 'guesses_stats_scope', 'rounds_stats_step']) {
          await db.schema.dropIndex(ix).ifExists().execute();
        }
        await sql`CREATE INDEX guesses_wrong ON guesses (deck_id, item_id, step, text_norm, player_id, round_id)
          WHERE verdict = 'wrong'`.execute(db);
        await db.schema.createIndex('guesses_player').ifNotExists().on('guesses').column('player_id').execute();
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
    /** Slack deliveries already handled (event ids, retries, replayed requests), shared by every instance. */
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
    /**
     * Hosted events (/event): the event's own row (its state, timer and platform references), who joined
     * (and their team), and which round played which of its pictures. At most one open event per channel.
     */
    '0200_events': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('events')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('channel_id', 'text', (c) => c.notNull())
          .addColumn('scope_id', 'text', (c) => c.notNull())
          .addColumn('host_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('deck_id', 'text', (c) => c.notNull())
          .addColumn('mode', 'text', (c) => c.notNull())
          .addColumn('rounds', 'integer', (c) => c.notNull())
          .addColumn('step_seconds', 'integer', (c) => c.notNull())
          .addColumn('break_seconds', 'integer', (c) => c.notNull())
          .addColumn('teams', 'integer', (c) => c.notNull())
          .addColumn('items', 'text', (c) => c.notNull())
          .addColumn('locale', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('round_index', 'integer', (c) => c.notNull())
          .addColumn('start_at', 'bigint', (c) => c.notNull())
          .addColumn('due_at', 'bigint')
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('ended_at', 'bigint')
          .addColumn('platform_ref', 'text')
          .addColumn('reminded', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await sql`CREATE UNIQUE INDEX events_one_open ON events (channel_id) WHERE status IN ('scheduled', 'running', 'break')`.execute(db);
        await db.schema.createIndex('events_status').on('events').columns(['status', 'due_at']).execute();
        await db.schema
          .createTable('event_players')
          .addColumn('event_id', 'text', (c) => c.notNull().references('events.id'))
          .addColumn('player_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('team', 'integer')
          .addColumn('joined_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('event_players_pk', ['event_id', 'player_id'])
          .execute();
        await db.schema
          .createTable('event_rounds')
          .addColumn('event_id', 'text', (c) => c.notNull().references('events.id'))
          .addColumn('idx', 'integer', (c) => c.notNull())
          .addColumn('round_id', 'text', (c) => c.notNull())
          .addColumn('item_id', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('event_rounds_pk', ['event_id', 'idx'])
          .execute();
        await db.schema.createIndex('event_rounds_round').on('event_rounds').column('round_id').unique().execute();
      },
    },
    /**
     * What the curves read (issue 9, §6): attempts counted per picture, server of first encounter, outcome
     * (recognition step, 0 for none) and the last step the round showed, for rounds no longer running;
     * each count is also kept with scope_id '' (ALL_SERVERS: every server pooled), so that one picture's
     * curve reads a dozen rows. Triggers keep it equal to the count over recognitions joined with rounds,
     * whatever writes them: a round that ends adds its recognitions; a recognition written, changed or
     * deleted in a round that has ended (a late correct guess, forget-me) moves its counts.
     */
    '0110_recognition_counts': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('recognition_counts')
          .addColumn('deck_id', 'text', (c) => c.notNull())
          .addColumn('item_id', 'text', (c) => c.notNull())
          .addColumn('scope_id', 'text', (c) => c.notNull())
          .addColumn('known_step', 'integer', (c) => c.notNull())
          .addColumn('seen', 'integer', (c) => c.notNull())
          .addColumn('n', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('recognition_counts_pk', ['deck_id', 'item_id', 'scope_id', 'known_step', 'seen'])
          .execute();
        await db.schema
          .createIndex('recognition_counts_scope')
          .on('recognition_counts')
          .columns(['scope_id', 'deck_id', 'item_id', 'known_step', 'seen', 'n'])
          .execute();
        for (const statement of pg ? recognitionCountTriggersPg : recognitionCountTriggersSqlite) await sql.raw(statement).execute(db);
        await fillRecognitionCounts(db);
      },
    },
    /** Period leaderboards (src/storage/period-leaderboard.ts): scoring guesses by board and time. */
    '0300_period_boards': {
      async up(db: Kysely<any>) {
        await sql`CREATE INDEX guesses_period_channel ON guesses (channel_id, created_at) WHERE points > 0`.execute(db);
        await sql`CREATE INDEX guesses_period_scope ON guesses (scope_id, created_at) WHERE points > 0`.execute(db);
        await sql`CREATE INDEX guesses_period_all ON guesses (created_at) WHERE points > 0`.execute(db);
      },
    },
    /**
     * The daily challenge's plays (src/runtime/daily-service.ts): one row per player and day, the whole
     * state of a play at the player's own pace, so it survives restarts and any instance can continue it.
     * `version` makes each change a compare-and-set.
     */
    '0301_daily_plays': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('daily_plays')
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('player_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('channel_id', 'text', (c) => c.notNull())
          .addColumn('scope_id', 'text', (c) => c.notNull())
          .addColumn('locale', 'text', (c) => c.notNull())
          .addColumn('deck_id', 'text', (c) => c.notNull())
          .addColumn('item_id', 'text', (c) => c.notNull())
          .addColumn('step', 'integer', (c) => c.notNull())
          .addColumn('guesses_at_step', 'integer', (c) => c.notNull())
          .addColumn('known_step', 'integer')
          .addColumn('finished', 'integer', (c) => c.notNull())
          .addColumn('guesses', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('finished_at', 'bigint')
          .addPrimaryKeyConstraint('daily_plays_pk', ['day', 'player_id'])
          .execute();
        await db.schema.createIndex('daily_plays_scope').on('daily_plays').columns(['day', 'scope_id', 'finished']).execute();
        await db.schema.createIndex('daily_plays_player').on('daily_plays').columns(['player_id', 'day']).execute();
      },
    },
    /**
     * Cheaper guess writes (issue 9, §6). guesses_round was keyed by round id (random): a batch of guesses
     * from 50 rounds changed 50 scattered index pages, which made most of the cost of committing a guess.
     * Only the server totals read guesses by round, to reach a server's guesses; a guess keeps its round's
     * server, so they read guesses_scope instead, where a guess is appended after its server's others.
     */
    '0500_guess_scope_index': {
      async up(db: Kysely<any>) {
        await db.schema.createIndex('guesses_scope').on('guesses').column('scope_id').execute();
        await db.schema.dropIndex('guesses_round').ifExists().execute();
      },
    },
    /** Ended rounds whose recap is still owed (rounds.ts, `pendingRecaps`): found without a scan, every few seconds. */
    '0600_pending_recaps': {
      async up(db: Kysely<any>) {
        await sql`CREATE INDEX rounds_recap_owed ON rounds (ended_at) WHERE announced = 0`.execute(db);
      },
    },
    /**
     * A finished daily play enters the statistics only after its day (src/storage/daily-record.ts):
     * `recorded` says it has. The plays finished before this migration were written at once.
     */
    '0800_daily_recorded': {
      async up(db: Kysely<any>) {
        await db.schema.alterTable('daily_plays').addColumn('recorded', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await sql`UPDATE daily_plays SET recorded = 1 WHERE finished = 1`.execute(db);
        await sql`CREATE INDEX daily_plays_waiting ON daily_plays (day) WHERE finished = 1 AND recorded = 0`.execute(db);
      },
    },
    /** Notices a channel is given once, whichever instance gives it (src/storage/channel-notices.ts). */
    '0700_channel_notices': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('channel_notices')
          .addColumn('channel_id', 'text', (c) => c.notNull())
          .addColumn('notice', 'text', (c) => c.notNull())
          .addColumn('shown_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('channel_notices_pk', ['channel_id', 'notice'])
          .execute();
      },
    },
    /**
     * PostgreSQL: guesses no longer carry a foreign key to rounds (issue 9, §6). Its check ran once per
     * guess row and took a FOR KEY SHARE lock on the round's row, the row every step rewrites; in the
     * three-instance bench that check was about a fifth of PostgreSQL's CPU per guess. It could never fail:
     * a guess is written only in the transaction that read its running round under the channel's lock,
     * and rounds are never deleted. SQLite keeps the key: its check is one in-process index probe, and
     * dropping it would mean copying the whole table.
     */
    '1300_pg_guesses_round_key': {
      async up(db: Kysely<any>) {
        if (pg) await sql`ALTER TABLE guesses DROP CONSTRAINT IF EXISTS guesses_round_id_fkey`.execute(db);
      },
    },
    ...deckMigrations(dialect),
  };
}

/** The scope_id of recognition_counts' rows that pool every server (real scope ids are `platform:…`). */
export const ALL_SERVERS = '';

/** The last step an attempt saw, as the statistics count it: 6 once recognised, else the round's step within 1..6. */
function seenOf(known: string, step: string): string {
  return `CASE WHEN ${known} IS NOT NULL THEN 6 WHEN ${step} < 1 THEN 1 WHEN ${step} > 6 THEN 6 ELSE ${step} END`;
}

const COUNT_KEY = 'deck_id, item_id, scope_id, known_step, seen';
const SCOPES = (scope: string) => [scope, `'${ALL_SERVERS}'`];
/** PostgreSQL refuses a constant in GROUP BY: the all-servers rows group without it. */
const groupScope = (scope: string) => (scope.startsWith("'") ? '' : `${scope},`);

/** Adds a round's recognitions to the counts (it has ended, or was written already ended), in key order. */
const addRound = (round: string) =>
  SCOPES('scope_id')
    .map(
      (scope) => `
  INSERT INTO recognition_counts (${COUNT_KEY}, n)
  SELECT deck_id, item_id, ${scope}, COALESCE(known_step, 0), ${seenOf('known_step', `${round}.step`)}, COUNT(*)
  FROM recognitions
  WHERE deck_id = ${round}.deck_id AND item_id = ${round}.item_id AND round_id = ${round}.id
  GROUP BY deck_id, item_id, ${groupScope(scope)} COALESCE(known_step, 0), ${seenOf('known_step', `${round}.step`)}
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (${COUNT_KEY}) DO UPDATE SET n = recognition_counts.n + excluded.n;`,
    )
    .join('\n');

/** One recognition's counts (its server's and all servers'), -1 for OLD or +1 for NEW, given the round's step. */
const moveOne = (row: 'OLD' | 'NEW', step: string, roundEnded: string) =>
  SCOPES(`${row}.scope_id`)
    .map((scope) =>
      row === 'OLD'
        ? `UPDATE recognition_counts SET n = n - 1
           WHERE deck_id = OLD.deck_id AND item_id = OLD.item_id AND scope_id = ${scope}
             AND known_step = COALESCE(OLD.known_step, 0) AND seen = ${seenOf('OLD.known_step', step)}${roundEnded};`
        : `INSERT INTO recognition_counts (${COUNT_KEY}, n)
           SELECT NEW.deck_id, NEW.item_id, ${scope}, COALESCE(NEW.known_step, 0), ${seenOf('NEW.known_step', step)}, 1
           ${roundEnded ? `FROM rounds r WHERE r.id = NEW.round_id AND r.status <> 'running'` : ''}
           ON CONFLICT (${COUNT_KEY}) DO UPDATE SET n = recognition_counts.n + 1;`,
    )
    .join('\n');

const recognitionCountTriggersSqlite = [
  `CREATE TRIGGER recognition_counts_round_ends AFTER UPDATE OF status ON rounds
   WHEN OLD.status = 'running' AND NEW.status <> 'running'
   BEGIN ${addRound('NEW')} END`,
  `CREATE TRIGGER recognition_counts_round_inserted AFTER INSERT ON rounds
   WHEN NEW.status <> 'running'
   BEGIN ${addRound('NEW')} END`,
  // SQLite triggers have no variables: the round's step (and that it has ended) comes from a subquery.
  ...(['INSERT', 'UPDATE', 'DELETE'] as const).map(
    (op) => `CREATE TRIGGER recognition_counts_${op.toLowerCase()} AFTER ${op} ON recognitions BEGIN
      ${
        op === 'INSERT'
          ? ''
          : moveOne(
              'OLD',
              `(SELECT r.step FROM rounds r WHERE r.id = OLD.round_id)`,
              ` AND EXISTS (SELECT 1 FROM rounds r WHERE r.id = OLD.round_id AND r.status <> 'running')`,
            )
      }
      ${op === 'DELETE' ? '' : moveOne('NEW', 'r.step', 'ended')}
    END`,
  ),
];

const recognitionCountTriggersPg = [
  `CREATE FUNCTION recognition_counts_round() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN ${addRound('NEW')} RETURN NULL; END $$`,
  `CREATE TRIGGER recognition_counts_round_ends AFTER UPDATE OF status ON rounds FOR EACH ROW
   WHEN (OLD.status = 'running' AND NEW.status <> 'running') EXECUTE FUNCTION recognition_counts_round()`,
  `CREATE TRIGGER recognition_counts_round_inserted AFTER INSERT ON rounds FOR EACH ROW
   WHEN (NEW.status <> 'running') EXECUTE FUNCTION recognition_counts_round()`,
  `CREATE FUNCTION recognition_counts_recognition() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE round_step integer;
   BEGIN
     IF TG_OP IN ('UPDATE', 'DELETE') THEN
       SELECT step INTO round_step FROM rounds WHERE id = OLD.round_id AND status <> 'running';
       IF FOUND THEN ${moveOne('OLD', 'round_step', '')} END IF;
     END IF;
     IF TG_OP IN ('INSERT', 'UPDATE') THEN
       SELECT step INTO round_step FROM rounds WHERE id = NEW.round_id AND status <> 'running';
       IF FOUND THEN ${moveOne('NEW', 'round_step', '')} END IF;
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER recognition_counts_recognitions AFTER INSERT OR UPDATE OR DELETE ON recognitions FOR EACH ROW
   EXECUTE FUNCTION recognition_counts_recognition()`,
];

/** Counts every recognition of an ended round afresh (the migration; the bench after a bulk load with the triggers off). */
export async function fillRecognitionCounts(db: Kysely<any>): Promise<void> {
  await sql`DELETE FROM recognition_counts`.execute(db);
  for (const scope of ['rc.scope_id', `'${ALL_SERVERS}'`]) {
    await sql.raw(`
      INSERT INTO recognition_counts (${COUNT_KEY}, n)
      SELECT rc.deck_id, rc.item_id, ${scope}, COALESCE(rc.known_step, 0), ${seenOf('rc.known_step', 'r.step')}, COUNT(*)
      FROM recognitions rc JOIN rounds r ON r.id = rc.round_id
      WHERE r.status <> 'running'
      GROUP BY rc.deck_id, rc.item_id, ${groupScope(scope)} COALESCE(rc.known_step, 0), ${seenOf('rc.known_step', 'r.step')}`).execute(db);
  }
}

/** The triggers that keep recognition_counts current (migration 0110), by table: a bulk load turns them off. */
export const RECOGNITION_COUNT_TRIGGERS = {
  rounds: ['recognition_counts_round_ends', 'recognition_counts_round_inserted'],
  recognitions: ['recognition_counts_recognitions', 'recognition_counts_insert', 'recognition_counts_update', 'recognition_counts_delete'],
} as const;

/**
 * Fills recognitions from guesses: each player's first guess on each picture (lowest id) is the first
 * encounter; their first correct guess in that round, if any, is when they knew it.
 * Also used by the bench, after it seeds guesses in bulk.
 */
export async function backfillRecognitions(db: Kysely<any>): Promise<void> {
  await sql`
    INSERT INTO recognitions (player_id, deck_id, item_id, round_id, scope_id, first_step, first_at, known_step, known_at)
    SELECT f.player_id, f.deck_id, f.item_id, f.round_id, f.scope_id, f.step, f.created_at, k.step, k.created_at
    FROM (
      SELECT player_id, deck_id, item_id, round_id, scope_id, step, created_at,
             ROW_NUMBER() OVER (PARTITION BY player_id, deck_id, item_id ORDER BY id) AS rn
      FROM guesses
    ) f
    LEFT JOIN (
      SELECT round_id, player_id, MIN(id) AS id FROM guesses WHERE verdict = 'correct' GROUP BY round_id, player_id
    ) kc ON kc.round_id = f.round_id AND kc.player_id = f.player_id
    LEFT JOIN guesses k ON k.id = kc.id
    WHERE f.rn = 1`.execute(db);
}

export function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations() {
      return migrations(dialect);
    },
  };
}
