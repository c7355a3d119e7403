import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { Quote } from './models/index.js';
import type { QuoteRecord } from './records.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/** Quote rows: written once, read back by the account that made them, checked out at most once. */
export function insertQuote(em: Em, record: QuoteRecord): void {
  const { accountId, ...rest } = record;
  em.create(Quote, { ...rest, account: accountId });
}

export async function findQuote(em: Em, accountId: string, quoteId: string): Promise<QuoteRecord | null> {
  const q = await em.findOne(Quote, { id: quoteId, account: accountId });
  return q
    ? {
        id: q.id,
        accountId,
        items: q.items,
        // JSON keeps dates as text: the period ends come back as dates.
        lines: q.lines.map((l) => ({ ...l, periodEnd: new Date(l.periodEnd) })),
        totalMinor: q.totalMinor,
        currency: q.currency,
        state: q.state,
        salesOrderIds: q.salesOrderIds,
        createdBy: q.createdBy,
        createdAt: q.createdAt,
        expiresAt: q.expiresAt,
        checkedOutAt: q.checkedOutAt ?? null,
      }
    : null;
}

/** Marks an open quote checked out; false when it was checked out already (a concurrent checkout won). */
export async function checkOutQuote(em: Em, quoteId: string, at: Date): Promise<boolean> {
  return (
    (await em.nativeUpdate(Quote, { id: quoteId, state: 'open' }, { state: 'checked_out', checkedOutAt: at })) === 1
  );
}
