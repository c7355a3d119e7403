import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/** Audit entries by request id (causation): "what did this request change?" without a scan. */
export class Migration20261207080000AuditByRequest extends Migration {
  override up(): void {
    this.addSql(
      isPostgres(this)
        ? 'create index "audit_entry_account_causation_idx" on "audit_entry" ("account_id", "causation_id")'
        : 'create index `audit_entry_account_causation_idx` on `audit_entry` (`account_id`, `causation_id`)',
    );
  }
}
