import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * Offerings: what an account may buy and at which rates, loaded from the catalog file like the
 * products. Accounts made before this get the offering of their style (the two the catalog file
 * ships), so an older database keeps buying what it bought; an account with no offering buys
 * nothing.
 */
export class Migration20261207000000Offerings extends Migration {
  override async up(): Promise<void> {
    const backfill =
      "update account set offering_id = case style when 'goto' then 'goto_business' " +
      "when 'zendesk' then 'zendesk_suites' end where offering_id is null";
    if (isPostgres(this)) {
      await this.execute(
        'create table "offering" ("id" varchar(64) not null, "name" varchar(200) not null, ' +
          '"prices" jsonb not null, primary key ("id"))',
      );
      await this.execute('alter table "account" add column "offering_id" varchar(64) null');
    } else {
      await this.execute(
        'create table `offering` (`id` text not null primary key, `name` text not null, `prices` json not null)',
      );
      await this.execute('alter table `account` add column `offering_id` text null');
    }
    await this.execute(backfill);
  }
}
