import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { billing } from '@acme/contracts';
import {
  LEDGER_ENTRY_KINDS,
  type EntryCursor,
  type LedgerDatabase,
  type LedgerEntryKind,
} from '@acme/billing-data-access';
import type { ServiceHandlers } from '@acme/grpc';
import { AppError, type FieldViolation } from '@acme/util';
import { explainCharge } from '../ledger/explain-charge.js';
import { previewInvoice } from '../ledger/invoice.js';
import { isUtcMidnight } from '../ledger/proration.js';
import { authorizeReader, type AdminCheck, type BillingCaller } from './authorize-reader.js';
import { billableUsers } from './billable-users.js';
import { entryMessage, intervalMessage, lineMessage, money, positionMessage } from './billing-messages.js';
import { decodePageToken, encodePageToken } from './page-token.js';

type Ledger = Pick<LedgerDatabase, 'entries' | 'entryPage' | 'position' | 'processedEvents'>;

const MAX_PAGE = 500;
/** What a ledger entry id may be (`v1:<event id>:<index>`, as the ledger's column holds it). */
const ENTRY_ID = /^[^\u0000-\u001f\u007f]{1,200}$/;
const DEFAULT_PAGE = 100;
/** Longest period one call may ask for: a few years of days, so a request cannot make the service count millions. */
const MAX_PERIOD_DAYS = 3 * 366;

/**
 * The billing API: every call authorizes its caller for the account first, then reads the ledger
 * (never the licensing tables). Amounts come from the same `previewInvoice` the CLI prints, so
 * the API and the CLI agree to the cent; each answer names the ledger position it reflects.
 */
export function createBillingHandlers(
  ledger: Ledger,
  isAdmin: AdminCheck,
): ServiceHandlers<(typeof billing.BillingService)['method'], BillingCaller> {
  const account = (caller: BillingCaller, requested: string) => authorizeReader(caller, requested, isAdmin);
  /** The invoice of a period, and the ledger position read before its entries. */
  const invoiceOf = async (accountId: string, period: { from: Date; to: Date }) => {
    const position = await ledger.position(accountId);
    const entries = await ledger.entries(accountId, { before: period.to });
    return { position, invoice: previewInvoice(entries, { accountId, ...period }) };
  };
  return {
    async getInvoicePreview(request, { principal }) {
      const accountId = await account(principal, request.accountId);
      const { position, invoice } = await invoiceOf(accountId, periodOf(request.periodStart, request.periodEnd));
      return {
        lines: invoice.lines.map(lineMessage),
        totals: invoice.totals.map((t) => money(t.currency, t.amountMinor)),
        warnings: invoice.warnings,
        position: positionMessage(position),
      };
    },

    async listLedgerEntries(request, { principal }) {
      const accountId = await account(principal, request.accountId);
      const problems: FieldViolation[] = [];
      const kinds = request.kinds.filter((kind) => {
        if (LEDGER_ENTRY_KINDS.includes(kind as LedgerEntryKind)) return true;
        problems.push({
          field: 'kinds',
          description: `"${kind.slice(0, 40)}" is not one of ${LEDGER_ENTRY_KINDS.join(', ')}`,
        });
        return false;
      }) as LedgerEntryKind[];
      if (request.pageSize < 0 || request.pageSize > MAX_PAGE)
        problems.push({ field: 'page_size', description: `between 0 and ${MAX_PAGE} (0: ${DEFAULT_PAGE})` });
      const cursor = entryCursorOf(decodePageToken<Record<string, unknown>>(request.pageToken, problems), problems);
      if (problems.length > 0) throw AppError.invalidArgument(problems);
      const position = await ledger.position(accountId);
      const page = await ledger.entryPage(
        {
          accountId,
          ...(request.userId ? { userId: request.userId } : {}),
          ...(request.productId ? { productId: request.productId } : {}),
          ...(kinds.length ? { kinds } : {}),
          ...(request.effectiveFrom ? { effectiveFrom: timestampDate(request.effectiveFrom) } : {}),
          ...(request.effectiveTo ? { effectiveTo: timestampDate(request.effectiveTo) } : {}),
          ...(request.causationId ? { causationId: request.causationId } : {}),
        },
        cursor,
        request.pageSize || DEFAULT_PAGE,
      );
      const last = page.entries.at(-1);
      return {
        entries: page.entries.map((entry) => entryMessage(entry, entry.event)),
        nextPageToken:
          page.more && last
            ? encodePageToken({ effectiveAt: last.effectiveAt.toISOString(), sequence: last.sequence, id: last.id })
            : '',
        position: positionMessage(position),
      };
    },

    async listBillableUsers(request, { principal }) {
      const accountId = await account(principal, request.accountId);
      const { position, invoice } = await invoiceOf(accountId, periodOf(request.periodStart, request.periodEnd));
      return { users: billableUsers(invoice), position: positionMessage(position) };
    },

    async explainCharge(request, { principal }) {
      const accountId = await account(principal, request.accountId);
      const problems: FieldViolation[] = [];
      if (!request.userId) problems.push({ field: 'user_id', description: 'required' });
      if (!request.productId) problems.push({ field: 'product_id', description: 'required' });
      const period = periodOf(request.periodStart, request.periodEnd, problems);
      const position = await ledger.position(accountId);
      const explanation = explainCharge(await ledger.entries(accountId, { before: period.to }), {
        accountId,
        userId: request.userId,
        productId: request.productId,
        ...period,
      });
      const events = await ledger.processedEvents(
        explanation.intervals.flatMap((i) => [i.opening.eventId, ...(i.closing ? [i.closing.eventId] : [])]),
      );
      return {
        basis: explanation.basis,
        lines: explanation.lines.map(lineMessage),
        intervals: explanation.intervals.map((interval) => intervalMessage(interval, events)),
        warnings: explanation.warnings,
        position: positionMessage(position),
      };
    },
  };
}

/**
 * A period [start, end) of whole UTC days, at most MAX_PERIOD_DAYS long; every problem (with those
 * already found) is refused at once as INVALID_ARGUMENT.
 */
function periodOf(
  start: Timestamp | undefined,
  end: Timestamp | undefined,
  problems: FieldViolation[] = [],
): { from: Date; to: Date } {
  const day = (field: string, value: Timestamp | undefined): Date | null => {
    if (!value) return (problems.push({ field, description: 'required' }), null);
    const date = timestampDate(value);
    if (Number.isNaN(date.getTime()) || !isUtcMidnight(date))
      return (problems.push({ field, description: 'must be a midnight, UTC' }), null);
    return date;
  };
  const from = day('period_start', start);
  const to = day('period_end', end);
  if (from && to) {
    const days = (to.getTime() - from.getTime()) / 86_400_000;
    if (days <= 0) problems.push({ field: 'period_end', description: 'must be after period_start' });
    else if (days > MAX_PERIOD_DAYS)
      problems.push({ field: 'period_end', description: `at most ${MAX_PERIOD_DAYS} days after period_start` });
  }
  if (problems.length > 0) throw AppError.invalidArgument(problems);
  return { from: from!, to: to! };
}

/** Where the previous page ended, from its token; a problem for a token this call did not make. */
function entryCursorOf(token: Record<string, unknown> | null, problems: FieldViolation[]): EntryCursor | null {
  if (token === null) return null;
  const effectiveAt = new Date(typeof token.effectiveAt === 'string' ? token.effectiveAt : Number.NaN);
  const { sequence, id } = token;
  // The id goes to SQL: an entry id's shape only (no control characters, which PostgreSQL may refuse).
  if (
    !Number.isNaN(effectiveAt.getTime()) &&
    Number.isSafeInteger(sequence) &&
    typeof id === 'string' &&
    ENTRY_ID.test(id)
  )
    return { effectiveAt, sequence: sequence as number, id };
  problems.push({ field: 'page_token', description: 'not a page token of this call' });
  return null;
}
