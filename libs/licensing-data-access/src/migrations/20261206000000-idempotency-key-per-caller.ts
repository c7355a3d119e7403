import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * An idempotency record's id now names the caller as well as the account and the key
 * (`<account>:<subject>|<key>`, see idempotencyRecordId), so that one caller's key never replays
 * another caller's answer; 65 + 200 + 200 characters and two separators need more than 300.
 * SQLite's text has no length to change.
 */
export class Migration20261206000000IdempotencyKeyPerCaller extends Migration {
  override async up(): Promise<void> {
    if (isPostgres(this)) await this.execute('alter table "idempotency_record" alter column "id" type varchar(520)');
  }
}
