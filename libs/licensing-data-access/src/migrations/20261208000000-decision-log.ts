import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/** The decision log: every decision of the policy rules, kept for a bounded time. DDL as MikroORM generates it. */
export class Migration20261208000000DecisionLog extends Migration {
  override up(): void {
    for (const sql of isPostgres(this) ? POSTGRES : LIBSQL) this.addSql(sql);
  }
}

const POSTGRES = [
  'create table "decision_log" ("id" varchar(64) not null, "account_id" varchar(64) not null, ' +
    '"request_id" varchar(200) not null, "point" varchar(50) not null, "stage" varchar(20) not null, ' +
    '"allowed" boolean not null, "dry_run" boolean not null, "rule_set_version" varchar(64) not null, ' +
    '"actor" varchar(200) not null, "actor_kind" varchar(10) not null, "facts" jsonb not null, ' +
    '"outcome" jsonb not null, "decided_at" timestamptz not null, primary key ("id"))',
  'create index "decision_log_account_time_idx" on "decision_log" ("account_id", "decided_at")',
  'create index "decision_log_account_request_idx" on "decision_log" ("account_id", "request_id")',
  'create index "decision_log_time_idx" on "decision_log" ("decided_at")',
];

const LIBSQL = [
  'create table `decision_log` (`id` text not null primary key, `account_id` text not null, ' +
    '`request_id` text not null, `point` text not null, `stage` text not null, `allowed` integer not null, ' +
    '`dry_run` integer not null, `rule_set_version` text not null, `actor` text not null, ' +
    '`actor_kind` text not null, `facts` json not null, `outcome` json not null, `decided_at` datetime not null)',
  'create index `decision_log_account_time_idx` on `decision_log` (`account_id`, `decided_at`)',
  'create index `decision_log_account_request_idx` on `decision_log` (`account_id`, `request_id`)',
  'create index `decision_log_time_idx` on `decision_log` (`decided_at`)',
];
