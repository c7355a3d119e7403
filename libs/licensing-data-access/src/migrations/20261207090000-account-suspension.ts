import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/** An account can be suspended (no user entitled to anything); no account is suspended now. */
export class Migration20261207090000AccountSuspension extends Migration {
  override up(): void {
    this.addSql(
      isPostgres(this)
        ? 'alter table "account" add column "suspended" boolean not null default false'
        : 'alter table `account` add column `suspended` integer not null default false',
    );
  }
}
