import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/** Quotes: a priced cart a buyer reviews, then checks out (or lets expire). DDL as MikroORM generates it. */
export class Migration20261207030000Quotes extends Migration {
  override up(): void {
    for (const sql of isPostgres(this) ? POSTGRES : LIBSQL) this.addSql(sql);
  }
}

const POSTGRES = [
  'create table "quote" ("id" varchar(64) not null, "account_id" varchar(64) not null, "items" jsonb not null, ' +
    '"lines" jsonb not null, "sales_order_ids" jsonb not null, "total_minor" bigint not null, "currency" varchar(3) not null, "state" text not null, ' +
    '"created_by" varchar(200) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, ' +
    '"checked_out_at" timestamptz null, primary key ("id"))',
  'alter table "quote" add constraint "quote_account_id_foreign" foreign key ("account_id") references "account" ("id")',
  `alter table "quote" add constraint "quote_state_check" check ("state" in ('open', 'checked_out', 'sent_to_sales'))`,
];

const LIBSQL = [
  'create table `quote` (`id` text not null primary key, `account_id` text not null, `items` json not null, ' +
    '`lines` json not null, `sales_order_ids` json not null, `total_minor` bigint not null, ' +
    "`currency` text not null, `state` text check (`state` in ('open', 'checked_out', 'sent_to_sales')) not null, " +
    '`created_by` text not null, `created_at` datetime not null, `expires_at` datetime not null, ' +
    '`checked_out_at` datetime null, constraint `quote_account_id_foreign` ' +
    'foreign key (`account_id`) references `account` (`id`))',
  'create index `quote_account_id_index` on `quote` (`account_id`)',
];
