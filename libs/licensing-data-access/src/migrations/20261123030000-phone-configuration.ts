import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/** Phone configurations kept after a GoTo Connect removal (retention window). */
export class Migration20261123030000PhoneConfiguration extends Migration {
  override async up(): Promise<void> {
    for (const sql of isPostgres(this) ? POSTGRES : LIBSQL) this.addSql(sql);
  }
}

const POSTGRES = [
  'create table "phone_configuration" ("id" varchar(64) not null, "account_id" varchar(64) not null, ' +
    '"user_id" varchar(64) not null, "product_id" varchar(64) not null, "settings" jsonb not null, ' +
    '"retained_until" timestamptz null, primary key ("id"));',
  'alter table "phone_configuration" add constraint "phone_configuration_user_uq" unique ("user_id");',
  'create index "phone_configuration_retained_until_idx" on "phone_configuration" ("retained_until");',
  'alter table "phone_configuration" add constraint "phone_configuration_account_id_foreign" foreign key ("account_id") references "account" ("id");',
  'alter table "phone_configuration" add constraint "phone_configuration_user_id_foreign" foreign key ("user_id") references "app_user" ("id");',
];

const LIBSQL = [
  'create table `phone_configuration` (`id` text not null primary key, `account_id` text not null, ' +
    '`user_id` text not null, `product_id` text not null, `settings` json not null, `retained_until` ' +
    'datetime null, constraint `phone_configuration_account_id_foreign` foreign key (`account_id`) ' +
    'references `account` (`id`), constraint `phone_configuration_user_id_foreign` foreign key ' +
    '(`user_id`) references `app_user` (`id`));',
  'create index `phone_configuration_account_id_index` on `phone_configuration` (`account_id`);',
  'create unique index `phone_configuration_user_uq` on `phone_configuration` (`user_id`);',
  'create index `phone_configuration_retained_until_idx` on `phone_configuration` (`retained_until`);',
];
