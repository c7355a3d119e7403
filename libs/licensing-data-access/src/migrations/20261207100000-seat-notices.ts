import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * Seat-usage notices (80%, 90%, 100% of purchased seats, from the rule data) are reported once
 * per crossing: each subscription remembers the highest threshold whose notice stands. None
 * stands yet; the first seat change of a product reports where it is.
 */
export class Migration20261207100000SeatNotices extends Migration {
  override up(): void {
    this.addSql(
      isPostgres(this)
        ? 'alter table "subscription" add column "seat_notice_percent" int not null default 0'
        : 'alter table `subscription` add column `seat_notice_percent` integer not null default 0',
    );
  }
}
