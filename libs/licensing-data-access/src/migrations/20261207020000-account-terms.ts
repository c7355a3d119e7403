import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * An account's currency (its rates and charges are in it) and the billing profile that holds its
 * card. Accounts from before are in USD, the only currency the catalog file has used; a card put
 * on file before profiles were referenced keeps card_on_file without a profile id.
 */
export class Migration20261207020000AccountTerms extends Migration {
  override up(): void {
    if (isPostgres(this)) {
      this.addSql(`alter table "account" add column "currency" varchar(3) not null default 'USD'`);
      this.addSql('alter table "account" add column "billing_profile_id" varchar(64) null');
    } else {
      this.addSql("alter table `account` add column `currency` text not null default 'USD'");
      this.addSql('alter table `account` add column `billing_profile_id` text null');
    }
  }
}
