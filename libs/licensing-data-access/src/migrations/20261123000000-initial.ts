import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * Catalog, accounts, subscriptions, users and assignments. Each platform gets the DDL MikroORM's
 * schema generator produces for the entities, so a test can prove the migrated schema equals the
 * entities on both PostgreSQL and libsql.
 */
export class Migration20261123000000Initial extends Migration {
  override async up(): Promise<void> {
    for (const sql of isPostgres(this) ? POSTGRES : LIBSQL) this.addSql(sql);
  }
}

const POSTGRES = [
  'create table "account" ("id" varchar(64) not null, "name" varchar(200) not null, "kind" text not ' +
    'null, "style" text not null, "legacy_plan" boolean not null default false, "card_on_file" boolean ' +
    'not null default false, "owner_user_id" varchar(64) null, "created_at" timestamptz not null, ' +
    'primary key ("id"));',
  'alter table "account" add constraint "account_kind_check" check ("kind" in (\'self_service\', \'sales_managed\'));',
  'alter table "account" add constraint "account_style_check" check ("style" in (\'goto\', \'zendesk\'));',
  'create table "suite" ("id" varchar(64) not null, "name" varchar(200) not null, primary key ("id"));',
  'create table "product" ("id" varchar(64) not null, "name" varchar(200) not null, "vendor" text not ' +
    'null, "features" jsonb not null, "suite_id" varchar(64) null, "unit_price_minor" int not null, ' +
    '"currency" varchar(3) not null, "billing_period" text not null, primary key ("id"));',
  'alter table "product" add constraint "product_vendor_check" check ("vendor" in (\'goto\', \'zendesk\'));',
  'alter table "product" add constraint "product_billing_period_check" check ("billing_period" in (\'month\', \'year\'));',
  'create table "subscription" ("id" varchar(64) not null, "account_id" varchar(64) not null, ' +
    '"product_id" varchar(64) not null, "purchased_seats" int not null, "assigned_seats" int not null ' +
    'default 0, "unit_price_minor" int not null, "currency" varchar(3) not null, primary key ("id"));',
  'alter table "subscription" add constraint "subscription_account_product_uq" unique ("account_id", "product_id");',
  'create table "app_user" ("id" varchar(64) not null, "account_id" varchar(64) not null, "email" ' +
    'varchar(320) not null, "display_name" varchar(200) not null, "roles" jsonb not null, "permissions" ' +
    'jsonb not null, "created_at" timestamptz not null, primary key ("id"));',
  'alter table "app_user" add constraint "app_user_account_email_uq" unique ("account_id", "email");',
  'create table "assignment" ("id" varchar(64) not null, "account_id" varchar(64) not null, "user_id" ' +
    'varchar(64) not null, "product_id" varchar(64) not null, "features" jsonb not null, "created_at" ' +
    'timestamptz not null, primary key ("id"));',
  'create index "assignment_account_product_idx" on "assignment" ("account_id", "product_id");',
  'alter table "assignment" add constraint "assignment_user_product_uq" unique ("user_id", "product_id");',
  'alter table "product" add constraint "product_suite_id_foreign" foreign key ("suite_id") references "suite" ("id") on delete set null;',
  'alter table "subscription" add constraint "subscription_account_id_foreign" foreign key ("account_id") references "account" ("id");',
  'alter table "subscription" add constraint "subscription_product_id_foreign" foreign key ("product_id") references "product" ("id");',
  'alter table "app_user" add constraint "app_user_account_id_foreign" foreign key ("account_id") references "account" ("id");',
  'alter table "assignment" add constraint "assignment_account_id_foreign" foreign key ("account_id") references "account" ("id");',
  'alter table "assignment" add constraint "assignment_user_id_foreign" foreign key ("user_id") references "app_user" ("id");',
  'alter table "assignment" add constraint "assignment_product_id_foreign" foreign key ("product_id") references "product" ("id");',
];

const LIBSQL = [
  'create table `account` (`id` text not null primary key, `name` text not null, `kind` text check ' +
    "(`kind` in ('self_service', 'sales_managed')) not null, `style` text check (`style` in ('goto', " +
    "'zendesk')) not null, `legacy_plan` integer not null default false, `card_on_file` integer not null " +
    'default false, `owner_user_id` text null, `created_at` datetime not null);',
  'create table `suite` (`id` text not null primary key, `name` text not null);',
  'create table `product` (`id` text not null primary key, `name` text not null, `vendor` text check ' +
    "(`vendor` in ('goto', 'zendesk')) not null, `features` json not null, `suite_id` text null, " +
    '`unit_price_minor` integer not null, `currency` text not null, `billing_period` text check ' +
    "(`billing_period` in ('month', 'year')) not null, constraint `product_suite_id_foreign` foreign key " +
    '(`suite_id`) references `suite` (`id`) on delete set null);',
  'create index `product_suite_id_index` on `product` (`suite_id`);',
  'create table `subscription` (`id` text not null primary key, `account_id` text not null, ' +
    '`product_id` text not null, `purchased_seats` integer not null, `assigned_seats` integer not null ' +
    'default 0, `unit_price_minor` integer not null, `currency` text not null, constraint ' +
    '`subscription_account_id_foreign` foreign key (`account_id`) references `account` (`id`), ' +
    'constraint `subscription_product_id_foreign` foreign key (`product_id`) references `product` ' +
    '(`id`));',
  'create index `subscription_account_id_index` on `subscription` (`account_id`);',
  'create index `subscription_product_id_index` on `subscription` (`product_id`);',
  'create unique index `subscription_account_product_uq` on `subscription` (`account_id`, `product_id`);',
  'create table `app_user` (`id` text not null primary key, `account_id` text not null, `email` text ' +
    'not null, `display_name` text not null, `roles` json not null, `permissions` json not null, ' +
    '`created_at` datetime not null, constraint `app_user_account_id_foreign` foreign key (`account_id`) ' +
    'references `account` (`id`));',
  'create index `app_user_account_id_index` on `app_user` (`account_id`);',
  'create unique index `app_user_account_email_uq` on `app_user` (`account_id`, `email`);',
  'create table `assignment` (`id` text not null primary key, `account_id` text not null, `user_id` ' +
    'text not null, `product_id` text not null, `features` json not null, `created_at` datetime not ' +
    'null, constraint `assignment_account_id_foreign` foreign key (`account_id`) references `account` ' +
    '(`id`), constraint `assignment_user_id_foreign` foreign key (`user_id`) references `app_user` ' +
    '(`id`), constraint `assignment_product_id_foreign` foreign key (`product_id`) references `product` ' +
    '(`id`));',
  'create index `assignment_account_id_index` on `assignment` (`account_id`);',
  'create index `assignment_user_id_index` on `assignment` (`user_id`);',
  'create index `assignment_product_id_index` on `assignment` (`product_id`);',
  'create index `assignment_account_product_idx` on `assignment` (`account_id`, `product_id`);',
  'create unique index `assignment_user_product_uq` on `assignment` (`user_id`, `product_id`);',
];
