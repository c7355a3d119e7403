import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/** Sales orders (seats requested from sales) and contact-center queues with their members. */
export class Migration20261123020000SalesOrdersQueues extends Migration {
  override async up(): Promise<void> {
    for (const sql of isPostgres(this) ? POSTGRES : LIBSQL) this.addSql(sql);
  }
}

const POSTGRES = [
  'create table "cc_queue" ("id" varchar(64) not null, "account_id" varchar(64) not null, "kind" text ' +
    'not null, "name" varchar(200) not null, "created_at" timestamptz not null, primary key ("id"));',
  'alter table "cc_queue" add constraint "cc_queue_account_kind_name_uq" unique ("account_id", "kind", "name");',
  'create table "sales_order" ("id" varchar(64) not null, "account_id" varchar(64) not null, ' +
    '"product_id" varchar(64) not null, "quantity" int not null, "state" text not null, "note" ' +
    'varchar(1000) not null, "requested_by" varchar(200) not null, "created_at" timestamptz not null, ' +
    '"completed_at" timestamptz null, "completed_by" varchar(200) null, primary key ("id"));',
  'create index "sales_order_account_state_idx" on "sales_order" ("account_id", "state");',
  'create table "cc_queue_member" ("id" varchar(64) not null, "account_id" varchar(64) not null, ' +
    '"queue_id" varchar(64) not null, "user_id" varchar(64) not null, "role" text not null, "created_at" ' +
    'timestamptz not null, primary key ("id"));',
  'create index "cc_queue_member_account_user_idx" on "cc_queue_member" ("account_id", "user_id");',
  'alter table "cc_queue_member" add constraint "cc_queue_member_queue_user_uq" unique ("queue_id", "user_id");',
  'alter table "cc_queue" add constraint "cc_queue_account_id_foreign" foreign key ("account_id") references "account" ("id");',
  'alter table "cc_queue" add constraint "cc_queue_kind_check" check ("kind" in (\'call\', \'inbound\', \'outbound\'));',
  'alter table "sales_order" add constraint "sales_order_account_id_foreign" foreign key ("account_id") references "account" ("id");',
  'alter table "sales_order" add constraint "sales_order_product_id_foreign" foreign key ("product_id") references "product" ("id");',
  'alter table "sales_order" add constraint "sales_order_state_check" check ("state" in (\'pending\', \'completed\'));',
  'alter table "cc_queue_member" add constraint "cc_queue_member_account_id_foreign" foreign key ("account_id") references "account" ("id");',
  'alter table "cc_queue_member" add constraint "cc_queue_member_queue_id_foreign" foreign key ("queue_id") references "cc_queue" ("id");',
  'alter table "cc_queue_member" add constraint "cc_queue_member_user_id_foreign" foreign key ("user_id") references "app_user" ("id");',
  'alter table "cc_queue_member" add constraint "cc_queue_member_role_check" check ("role" in (\'agent\', \'supervisor\'));',
];

const LIBSQL = [
  'create table `cc_queue` (`id` text not null primary key, `account_id` text not null, `kind` text ' +
    "check (`kind` in ('call', 'inbound', 'outbound')) not null, `name` text not null, `created_at` " +
    'datetime not null, constraint `cc_queue_account_id_foreign` foreign key (`account_id`) references ' +
    '`account` (`id`));',
  'create index `cc_queue_account_id_index` on `cc_queue` (`account_id`);',
  'create unique index `cc_queue_account_kind_name_uq` on `cc_queue` (`account_id`, `kind`, `name`);',
  'create table `sales_order` (`id` text not null primary key, `account_id` text not null, ' +
    "`product_id` text not null, `quantity` integer not null, `state` text check (`state` in ('pending', " +
    "'completed')) not null, `note` text not null, `requested_by` text not null, `created_at` datetime " +
    'not null, `completed_at` datetime null, `completed_by` text null, constraint ' +
    '`sales_order_account_id_foreign` foreign key (`account_id`) references `account` (`id`), constraint ' +
    '`sales_order_product_id_foreign` foreign key (`product_id`) references `product` (`id`));',
  'create index `sales_order_account_id_index` on `sales_order` (`account_id`);',
  'create index `sales_order_product_id_index` on `sales_order` (`product_id`);',
  'create index `sales_order_account_state_idx` on `sales_order` (`account_id`, `state`);',
  'create table `cc_queue_member` (`id` text not null primary key, `account_id` text not null, ' +
    "`queue_id` text not null, `user_id` text not null, `role` text check (`role` in ('agent', " +
    "'supervisor')) not null, `created_at` datetime not null, constraint " +
    '`cc_queue_member_account_id_foreign` foreign key (`account_id`) references `account` (`id`), ' +
    'constraint `cc_queue_member_queue_id_foreign` foreign key (`queue_id`) references `cc_queue` ' +
    '(`id`), constraint `cc_queue_member_user_id_foreign` foreign key (`user_id`) references `app_user` ' +
    '(`id`));',
  'create index `cc_queue_member_account_id_index` on `cc_queue_member` (`account_id`);',
  'create index `cc_queue_member_queue_id_index` on `cc_queue_member` (`queue_id`);',
  'create index `cc_queue_member_user_id_index` on `cc_queue_member` (`user_id`);',
  'create index `cc_queue_member_account_user_idx` on `cc_queue_member` (`account_id`, `user_id`);',
  'create unique index `cc_queue_member_queue_user_uq` on `cc_queue_member` (`queue_id`, `user_id`);',
];
