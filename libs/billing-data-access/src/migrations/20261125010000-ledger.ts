import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/** The ledger: processed events (dedupe) and immutable ledger entries. */
export class Migration20261125010000Ledger extends Migration {
  override async up(): Promise<void> {
    for (const sql of isPostgres(this) ? POSTGRES : LIBSQL) this.addSql(sql);
  }
}

const POSTGRES = [
  'create table "processed_event" ("event_id" varchar(64) not null, "account_id" varchar(64) not null, ' +
    '"sequence" int not null, "event_type" varchar(100) not null, "outcome" text not null, "topic" ' +
    'varchar(200) null, "topic_partition" int null, "topic_offset" bigint null, "processed_at" ' +
    'timestamptz not null, primary key ("event_id"));',
  'create index "processed_event_account_sequence_idx" on "processed_event" ("account_id", "sequence");',
  'create index "processed_event_source_idx" on "processed_event" ("topic", "topic_partition", "topic_offset");',
  'create table "ledger_entry" ("id" varchar(200) not null, "event_id" varchar(64) not null, ' +
    '"account_id" varchar(64) not null, "sequence" int not null, "kind" text not null, "product_id" ' +
    'varchar(64) not null, "user_id" varchar(64) null, "assignment_id" varchar(64) null, "quantity" int ' +
    'not null, "unit_price_minor" bigint null, "currency" varchar(3) null, "billing_period" text null, ' +
    '"effective_at" timestamptz not null, "reason" varchar(50) not null, primary key ("id"));',
  'create index "ledger_entry_account_time_idx" on "ledger_entry" ("account_id", "effective_at");',
  'create index "ledger_entry_event_idx" on "ledger_entry" ("event_id");',
  'alter table "processed_event" add constraint "processed_event_outcome_check" check ("outcome" in (\'entries\', \'no_charge\'));',
  'alter table "ledger_entry" add constraint "ledger_entry_event_id_foreign" foreign key ("event_id") references "processed_event" ("event_id");',
  'alter table "ledger_entry" add constraint "ledger_entry_kind_check" check ("kind" in ' +
    "('seats_added', 'seats_removed', 'seat_opened', 'seat_closed', 'cc_billing_started', " +
    "'cc_billing_stopped'));",
  'alter table "ledger_entry" add constraint "ledger_entry_billing_period_check" check ("billing_period" in (\'month\', \'year\'));',
  // Immutability: corrections are new entries, never edits.
  'create function "ledger_entry_immutable"() returns trigger language plpgsql as $$ begin raise ' +
    "exception 'ledger entries are immutable: add a correcting entry instead'; end $$;",
  'create trigger "ledger_entry_no_change" before update or delete on "ledger_entry" for each row execute function "ledger_entry_immutable"();',
];
const LIBSQL = [
  'create table `processed_event` (`event_id` text not null primary key, `account_id` text not null, ' +
    '`sequence` integer not null, `event_type` text not null, `outcome` text check (`outcome` in ' +
    "('entries', 'no_charge')) not null, `topic` text null, `topic_partition` integer null, " +
    '`topic_offset` bigint null, `processed_at` datetime not null);',
  'create index `processed_event_account_sequence_idx` on `processed_event` (`account_id`, `sequence`);',
  'create index `processed_event_source_idx` on `processed_event` (`topic`, `topic_partition`, `topic_offset`);',
  'create table `ledger_entry` (`id` text not null primary key, `event_id` text not null, `account_id` ' +
    "text not null, `sequence` integer not null, `kind` text check (`kind` in ('seats_added', " +
    "'seats_removed', 'seat_opened', 'seat_closed', 'cc_billing_started', 'cc_billing_stopped')) not " +
    'null, `product_id` text not null, `user_id` text null, `assignment_id` text null, `quantity` ' +
    'integer not null, `unit_price_minor` bigint null, `currency` text null, `billing_period` text check ' +
    "(`billing_period` in ('month', 'year')) null, `effective_at` datetime not null, `reason` text not " +
    'null, constraint `ledger_entry_event_id_foreign` foreign key (`event_id`) references ' +
    '`processed_event` (`event_id`));',
  'create index `ledger_entry_account_time_idx` on `ledger_entry` (`account_id`, `effective_at`);',
  'create index `ledger_entry_event_idx` on `ledger_entry` (`event_id`);',
  // Immutability: corrections are new entries, never edits.
  'create trigger `ledger_entry_no_update` before update on `ledger_entry` begin select raise(abort, ' +
    "'ledger entries are immutable: add a correcting entry instead'); end;",
  'create trigger `ledger_entry_no_delete` before delete on `ledger_entry` begin select raise(abort, ' +
    "'ledger entries are immutable: add a correcting entry instead'); end;",
];
