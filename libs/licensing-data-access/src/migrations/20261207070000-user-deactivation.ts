import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/** A user can be deactivated (holds nothing, cannot sign in) and reactivated; everyone is active now. */
export class Migration20261207070000UserDeactivation extends Migration {
  override up(): void {
    this.addSql(
      isPostgres(this)
        ? 'alter table "app_user" add column "deactivated_at" timestamptz null'
        : 'alter table `app_user` add column `deactivated_at` datetime null',
    );
  }
}
