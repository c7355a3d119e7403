import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * Whether a suite's products keep the same seat count comes from the catalog (suites[].parityRequired)
 * instead of a rules data file: the catalog is the one source of what a suite is.
 */
export class Migration20261206010000SuiteParity extends Migration {
  override async up(): Promise<void> {
    if (isPostgres(this))
      await this.execute('alter table "suite" add column "parity_required" boolean not null default false');
    else await this.execute('alter table `suite` add column `parity_required` integer not null default false');
  }
}
