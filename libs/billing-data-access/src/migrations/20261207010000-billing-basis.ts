import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * The billing basis an event states for its price (per purchased seat, or per contact-center queue
 * member). Null on closing entries and on entries recorded before events carried it.
 */
export class Migration20261207010000BillingBasis extends Migration {
  override up(): void {
    const checked = "check (billing_basis in ('purchased_seats', 'contact_center_member'))";
    this.addSql(
      isPostgres(this)
        ? `alter table "ledger_entry" add column "billing_basis" text ${checked} null`
        : `alter table \`ledger_entry\` add column \`billing_basis\` text ${checked} null`,
    );
  }
}
