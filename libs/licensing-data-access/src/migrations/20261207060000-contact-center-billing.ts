import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * Licensing keeps who is billed for Contact Center now (`cc_billing`), since when and why. Users
 * already in a queue were billed from their first membership that is still there (the earliest a
 * migration can know), by the rule that started billing then; the request is not known.
 */
export class Migration20261207060000ContactCenterBilling extends Migration {
  override up(): void {
    for (const sql of isPostgres(this) ? POSTGRES : LIBSQL) this.addSql(sql);
    this.addSql(
      `insert into cc_billing (user_id, account_id, product_id, since, rule_ids, causation_id)
       select user_id, account_id, 'goto_contact_center', min(created_at),
              '["contact-center.billing-starts-with-first-queue"]', 'migration:20261207060000'
       from cc_queue_member group by user_id, account_id`,
    );
  }
}

const POSTGRES = [
  'create table "cc_billing" ("user_id" varchar(64) not null, "account_id" varchar(64) not null, "product_id" varchar(64) not null, "since" timestamptz not null, "rule_ids" jsonb not null, "causation_id" varchar(200) not null, primary key ("user_id"))',
  'create index "cc_billing_account_idx" on "cc_billing" ("account_id")',
  'alter table "cc_billing" add constraint "cc_billing_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade',
  'alter table "cc_billing" add constraint "cc_billing_account_id_foreign" foreign key ("account_id") references "account" ("id")',
];

const LIBSQL = [
  'create table `cc_billing` (`user_id` text not null primary key, `account_id` text not null, `product_id` text not null, `since` datetime not null, `rule_ids` json not null, `causation_id` text not null, constraint `cc_billing_user_id_foreign` foreign key (`user_id`) references `app_user` (`id`) on update cascade on delete cascade, constraint `cc_billing_account_id_foreign` foreign key (`account_id`) references `account` (`id`))',
  'create index `cc_billing_account_idx` on `cc_billing` (`account_id`)',
];
