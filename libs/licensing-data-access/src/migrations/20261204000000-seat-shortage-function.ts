import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/** The SQLSTATE `licensing_require_seats` raises; its DETAIL lists the products that got their seats. */
export const SEATS_SHORT_SQLSTATE = 'LS001';

/**
 * PostgreSQL: the write batch's statement fails when a guarded seat reservation found its seats
 * taken, instead of returning what it reserved for the service to check afterwards. The COMMIT of a
 * mutation travels right behind that statement (see committingStatement in @acme/persistence), so
 * a shortage noticed only after the answer would already be committed; a failed statement turns
 * that COMMIT into a ROLLBACK. SQLite has no stored functions and checks each reservation as it
 * runs: nothing to do there.
 */
export class Migration20261204000000SeatShortageFunction extends Migration {
  override async up(): Promise<void> {
    if (isPostgres(this)) {
      await this.execute(`create or replace function licensing_require_seats(p_reserved json, p_wanted int) returns int
        language plpgsql volatile as $$ ${REQUIRE_SEATS_FUNCTION_BODY} $$`);
    }
  }
}

/** The function's body as this migration creates it (the ORM's declaration checks it exists). */
export const REQUIRE_SEATS_FUNCTION_BODY = `begin
  if json_array_length(p_reserved) < p_wanted then
    raise exception 'a guarded seat reservation found the seats taken' using errcode = '${SEATS_SHORT_SQLSTATE}', detail = p_reserved::text;
  end if;
  return json_array_length(p_reserved);
end`;
