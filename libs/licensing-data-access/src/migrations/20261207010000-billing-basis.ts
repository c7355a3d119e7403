import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * A billing basis per product: what its price is charged for. Products stored before this get the
 * basis billing used to infer (Contact Center per queue member, the rest per purchased seat); the
 * catalog file, loaded at every start, states it from then on.
 */
export class Migration20261207010000BillingBasis extends Migration {
  override async up(): Promise<void> {
    const checked = "check (billing_basis in ('purchased_seats', 'contact_center_member'))";
    // SQLite adds a NOT NULL column only with a default; both platforms keep the same one.
    await this.execute(
      isPostgres(this)
        ? `alter table "product" add column "billing_basis" text ${checked} not null default 'purchased_seats'`
        : `alter table \`product\` add column \`billing_basis\` text ${checked} not null default 'purchased_seats'`,
    );
    await this.execute("update product set billing_basis = 'contact_center_member' where id = 'goto_contact_center'");
  }
}
