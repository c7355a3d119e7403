import { Migration } from '@mikro-orm/migrations';
import { isPostgres } from '@acme/persistence';

/**
 * PostgreSQL: the prefetch of a mutation as a function that locks the account in one statement
 * and reads the rest in the next. In READ COMMITTED a statement reads from the snapshot taken when
 * it started; a single statement that locked the account and read the user's rows saw, after
 * waiting for the lock, the locked row as committed but everything else as it was before the
 * wait. Each statement of a volatile function takes a new snapshot, so the reads after the lock
 * see what the previous holder committed, still in one round trip. SQLite has one writer and no
 * stored functions: nothing to do there.
 *
 * Every read in it is by key, and its plans are cached per session: planned while a table was
 * still small (a new database), they scanned the user's assignments on every call, however many
 * rows the table had since. `enable_seqscan = off` inside the function keeps them on their indexes
 * whatever the statistics said when they were planned.
 */
export class Migration20261125010000PrefetchFunction extends Migration {
  override async up(): Promise<void> {
    if (isPostgres(this)) {
      await this
        .execute(`create or replace function licensing_prefetch(p_account text, p_user text, p_idempotency text, p_products text[]) returns json
        language plpgsql volatile set enable_seqscan = off as $$ ${PREFETCH_FUNCTION_BODY} $$`);
    }
  }
}

/** The function's body as this migration creates it (the ORM's declaration checks it exists). */
export const PREFETCH_FUNCTION_BODY =
  `declare
  locked json;
begin
  select row_to_json(a) into locked from account a where a.id = p_account for update;
  return json_build_object(
    'account', locked,
    'user', (select row_to_json(u) from app_user u where u.id = p_user and u.account_id = p_account),
    'assignments', (select coalesce(json_agg(x order by x.product_id), '[]'::json) from assignment x where x.user_id = p_user),
    'memberships', (select coalesce(json_agg(json_build_object('queue_id', m.queue_id, 'kind', q.kind, 'role', m.role) order by m.queue_id), '[]'::json)
       from cc_queue_member m join cc_queue q on q.id = m.queue_id where m.account_id = p_account and m.user_id = p_user),
    'phone', (select row_to_json(p) from phone_configuration p where p.user_id = p_user),
    'idempotency', (select json_build_object('method', i.method, 'request_hash', i.request_hash, ` +
  `'response', encode(i.response, 'base64')) from idempotency_record i where i.id = p_idempotency),
    'subscriptions', (select coalesce(json_agg(s), '[]'::json) from subscription s where s.account_id = p_account and s.product_id = any(p_products)));
end`;
