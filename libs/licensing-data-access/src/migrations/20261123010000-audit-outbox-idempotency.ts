import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/** Audit trail, transactional outbox, idempotency records and the per-account event sequence. */
export class Migration20261123010000AuditOutboxIdempotency extends Migration {
  override async up(): Promise<void> {
    for (const sql of isPostgres(this) ? POSTGRES : LIBSQL) this.addSql(sql);
  }
}

const POSTGRES = [
  'create table "audit_entry" ("id" varchar(64) not null, "account_id" varchar(64) not null, "actor" ' +
    'varchar(200) not null, "action" varchar(100) not null, "resource_type" varchar(50) not null, ' +
    '"resource_id" varchar(200) not null, "before" jsonb null, "after" jsonb null, "causation_id" ' +
    'varchar(200) not null, "occurred_at" timestamptz not null, primary key ("id"));',
  'create index "audit_entry_account_time_idx" on "audit_entry" ("account_id", "occurred_at");',
  'create table "idempotency_record" ("id" varchar(300) not null, "method" varchar(100) not null, ' +
    '"request_hash" varchar(64) not null, "response" bytea not null, "created_at" timestamptz not null, ' +
    'primary key ("id"));',
  'create table "outbox_event" ("id" varchar(64) not null, "account_id" varchar(64) not null, ' +
    '"sequence" int not null, "event_type" varchar(100) not null, "payload" bytea not null, ' +
    '"occurred_at" timestamptz not null, "published_at" timestamptz null, primary key ("id"));',
  'create index "outbox_event_unpublished_idx" on "outbox_event" ("published_at", "account_id", "sequence");',
  'alter table "outbox_event" add constraint "outbox_event_account_sequence_uq" unique ("account_id", "sequence");',
  'alter table "account" add "event_sequence" int not null default 0;',
  'alter table "audit_entry" add constraint "audit_entry_account_id_foreign" foreign key ("account_id") references "account" ("id");',
  'alter table "outbox_event" add constraint "outbox_event_account_id_foreign" foreign key ("account_id") references "account" ("id");',
];

const LIBSQL = [
  'create table `audit_entry` (`id` text not null primary key, `account_id` text not null, `actor` ' +
    'text not null, `action` text not null, `resource_type` text not null, `resource_id` text not null, ' +
    '`before` json null, `after` json null, `causation_id` text not null, `occurred_at` datetime not ' +
    'null, constraint `audit_entry_account_id_foreign` foreign key (`account_id`) references `account` ' +
    '(`id`));',
  'create index `audit_entry_account_id_index` on `audit_entry` (`account_id`);',
  'create index `audit_entry_account_time_idx` on `audit_entry` (`account_id`, `occurred_at`);',
  'create table `idempotency_record` (`id` text not null primary key, `method` text not null, ' +
    '`request_hash` text not null, `response` blob not null, `created_at` datetime not null);',
  'create table `outbox_event` (`id` text not null primary key, `account_id` text not null, `sequence` ' +
    'integer not null, `event_type` text not null, `payload` blob not null, `occurred_at` datetime not ' +
    'null, `published_at` datetime null, constraint `outbox_event_account_id_foreign` foreign key ' +
    '(`account_id`) references `account` (`id`));',
  'create index `outbox_event_account_id_index` on `outbox_event` (`account_id`);',
  'create index `outbox_event_unpublished_idx` on `outbox_event` (`published_at`, `account_id`, `sequence`);',
  'create unique index `outbox_event_account_sequence_uq` on `outbox_event` (`account_id`, `sequence`);',
  'alter table `account` add column `event_sequence` integer not null default 0;',
];
