import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * A sales order can be cancelled while pending: a third state, and who cancelled it when. SQLite
 * changes a check only by rebuilding the table; no table refers to sales_order, so dropping the
 * old one inside the migration's transaction touches no other row.
 */
export class Migration20261207040000SalesOrderCancellation extends Migration {
  override up(): void {
    for (const sql of isPostgres(this) ? POSTGRES : LIBSQL) this.addSql(sql);
  }
}

const POSTGRES = [
  'alter table "sales_order" drop constraint "sales_order_state_check"',
  'alter table "sales_order" add "cancelled_at" timestamptz null, add "cancelled_by" varchar(200) null',
  `alter table "sales_order" add constraint "sales_order_state_check" check ("state" in ('pending', 'completed', 'cancelled'))`,
];

const LIBSQL = [
  'create table `sales_order__temp_alter` (`id` text not null primary key, `account_id` text not null, ' +
    '`product_id` text not null, `quantity` integer not null, `state` text check (`state` in ' +
    "('pending', 'completed', 'cancelled')) not null, `note` text not null, `requested_by` text not null, " +
    '`created_at` datetime not null, `completed_at` datetime null, `completed_by` text null, ' +
    '`cancelled_at` datetime null, `cancelled_by` text null, constraint `sales_order_account_id_foreign` ' +
    'foreign key (`account_id`) references `account` (`id`), constraint `sales_order_product_id_foreign` ' +
    'foreign key (`product_id`) references `product` (`id`))',
  'insert into `sales_order__temp_alter` select `id`, `account_id`, `product_id`, `quantity`, `state`, `note`, ' +
    '`requested_by`, `created_at`, `completed_at`, `completed_by`, null as `cancelled_at`, null as `cancelled_by` ' +
    'from `sales_order`',
  'drop table `sales_order`',
  'alter table `sales_order__temp_alter` rename to `sales_order`',
  'create index `sales_order_account_id_index` on `sales_order` (`account_id`)',
  'create index `sales_order_product_id_index` on `sales_order` (`product_id`)',
  'create index `sales_order_account_state_idx` on `sales_order` (`account_id`, `state`)',
];
