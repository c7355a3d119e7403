import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';
import { relayShardOf } from '../relay-shard.js';

/**
 * Relay shards on outbox rows, so several service instances can relay the outbox side by side
 * without two of them ever relaying one account at the same time. Existing rows get their
 * account's shard (computed here, since neither database has CRC-32 in SQL).
 */
export class Migration20261125000000OutboxRelayShard extends Migration {
  override async up(): Promise<void> {
    const postgres = isPostgres(this);
    for (const sql of postgres ? POSTGRES_BEFORE : LIBSQL_BEFORE) await this.execute(sql);
    const accounts = (await this.execute('select distinct account_id from outbox_event')) as { account_id: string }[];
    for (const { account_id } of accounts)
      await this.execute('update outbox_event set relay_shard = ? where account_id = ?', [
        relayShardOf(account_id),
        account_id,
      ]);
    if (postgres) await this.execute('alter table "outbox_event" alter column "relay_shard" drop default;');
  }
}

const POSTGRES_BEFORE = [
  'drop index "outbox_event_unpublished_idx";',
  'alter table "outbox_event" add "relay_shard" smallint not null default 0;',
  'create index "outbox_event_unpublished_idx" on "outbox_event" ("published_at", "relay_shard", "account_id", "sequence");',
];

// SQLite cannot add a NOT NULL column without a default, nor drop a default later: rebuild the
// table (nothing references outbox_event, so dropping it inside the transaction is safe).
const LIBSQL_BEFORE = [
  'create table `outbox_event__temp_alter` (`id` text not null primary key, `account_id` text not ' +
    'null, `sequence` integer not null, `relay_shard` integer not null, `event_type` text not null, ' +
    '`payload` blob not null, `occurred_at` datetime not null, `published_at` datetime null, constraint ' +
    '`outbox_event_account_id_foreign` foreign key (`account_id`) references `account` (`id`));',
  'insert into `outbox_event__temp_alter` select `id`, `account_id`, `sequence`, 0, `event_type`, ' +
    '`payload`, `occurred_at`, `published_at` from `outbox_event`;',
  'drop table `outbox_event`;',
  'alter table `outbox_event__temp_alter` rename to `outbox_event`;',
  'create index `outbox_event_account_id_index` on `outbox_event` (`account_id`);',
  'create index `outbox_event_unpublished_idx` on `outbox_event` (`published_at`, `relay_shard`, `account_id`, `sequence`);',
  'create unique index `outbox_event_account_sequence_uq` on `outbox_event` (`account_id`, `sequence`);',
];
