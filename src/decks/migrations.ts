import { type Kysely, type Migration } from 'kysely';

/** Server decks, their pictures (in the database, so every instance has them), the audit log, reports and the blocklist. */
export function deckMigrations(dialect: 'sqlite' | 'postgres'): Record<string, Migration> {
  const pg = dialect === 'postgres';
  const serial = (c: any) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());
  return {
    '0400_server_decks': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('server_decks')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('scope_id', 'text', (c) => c.notNull())
          .addColumn('slug', 'text', (c) => c.notNull())
          .addColumn('name_en', 'text', (c) => c.notNull())
          .addColumn('name_zh', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('server_decks_slug').unique().on('server_decks').columns(['scope_id', 'slug']).execute();

        await db.schema
          .createTable('server_deck_items')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('deck_id', 'text', (c) => c.notNull().references('server_decks.id'))
          .addColumn('item_id', 'text', (c) => c.notNull())
          .addColumn('answer_en', 'text', (c) => c.notNull())
          .addColumn('answer_zh', 'text', (c) => c.notNull())
          .addColumn('aliases', 'text', (c) => c.notNull())
          .addColumn('category_en', 'text', (c) => c.notNull())
          .addColumn('category_zh', 'text', (c) => c.notNull())
          .addColumn('famous', 'integer', (c) => c.notNull())
          .addColumn('motion', 'integer', (c) => c.notNull())
          .addColumn('frames', 'integer', (c) => c.notNull())
          .addColumn('width', 'integer', (c) => c.notNull())
          .addColumn('height', 'integer', (c) => c.notNull())
          .addColumn('bytes', 'integer', (c) => c.notNull())
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('image', pg ? 'bytea' : 'blob', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('server_deck_items_item').unique().on('server_deck_items').columns(['deck_id', 'item_id']).execute();

        await db.schema
          .createTable('deck_audit')
          .addColumn('id', pg ? 'bigint' : 'integer', serial)
          .addColumn('scope_id', 'text', (c) => c.notNull())
          .addColumn('actor_id', 'text', (c) => c.notNull())
          .addColumn('actor_name', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('deck_slug', 'text', (c) => c.notNull())
          .addColumn('item_id', 'text')
          .addColumn('detail', 'text')
          .addColumn('at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('deck_audit_scope').on('deck_audit').columns(['scope_id', 'at']).execute();
        await db.schema.createIndex('deck_audit_actor').on('deck_audit').column('actor_id').execute();

        await db.schema
          .createTable('deck_reports')
          .addColumn('id', pg ? 'bigint' : 'integer', serial)
          .addColumn('scope_id', 'text', (c) => c.notNull())
          .addColumn('deck_id', 'text', (c) => c.notNull())
          .addColumn('item_id', 'text', (c) => c.notNull())
          .addColumn('round_id', 'text')
          .addColumn('reporter_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('deck_reports_scope').on('deck_reports').columns(['scope_id', 'status']).execute();

        await db.schema
          .createTable('image_blocklist')
          .addColumn('sha256', 'text', (c) => c.primaryKey())
          .addColumn('note', 'text', (c) => c.notNull())
          .addColumn('added_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0900_deck_report_channel': {
      async up(db: Kysely<any>) {
        // Where a server's hosts hear about reported pictures (one channel per server or workspace).
        await db.schema
          .createTable('deck_settings')
          .addColumn('scope_id', 'text', (c) => c.primaryKey())
          .addColumn('report_channel', 'text')
          .addColumn('set_by', 'text', (c) => c.notNull())
          .addColumn('set_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  };
}
