import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * Each outbox event keeps the W3C traceparent of the call that wrote it (null when that call was
 * not traced), so the relay's publish and the billing consumer continue the call's trace.
 */
export class Migration20261207110000OutboxTraceParent extends Migration {
  override up(): void {
    this.addSql(
      isPostgres(this)
        ? 'alter table "outbox_event" add column "trace_parent" varchar(55) null'
        : 'alter table `outbox_event` add column `trace_parent` text null',
    );
  }
}
