import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * Each processed event keeps its cause: when it happened, the request that caused it (which keys
 * the licensing audit), the actor, and the rule ids that made it. Events recorded before stay
 * null: their cause is on the topic only (a replay into a fresh ledger fills it in).
 */
export class Migration20261207110000EventCauses extends Migration {
  override up(): void {
    const kinds = "check (actor_kind in ('user', 'service', 'system', 'unspecified'))";
    if (isPostgres(this)) {
      this.addSql(
        'alter table "processed_event" add column "occurred_at" timestamptz null, ' +
          'add column "causation_id" varchar(200) null, add column "actor_subject" varchar(200) null, ' +
          `add column "actor_kind" text ${kinds} null, add column "rule_ids" jsonb null`,
      );
      this.addSql('create index "processed_event_causation_idx" on "processed_event" ("account_id", "causation_id")');
      return;
    }
    for (const column of [
      '`occurred_at` datetime null',
      '`causation_id` text null',
      '`actor_subject` text null',
      `\`actor_kind\` text ${kinds} null`,
      '`rule_ids` json null',
    ])
      this.addSql(`alter table \`processed_event\` add column ${column}`);
    this.addSql('create index `processed_event_causation_idx` on `processed_event` (`account_id`, `causation_id`)');
  }
}
