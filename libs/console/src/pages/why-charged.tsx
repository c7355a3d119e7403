/* @jsxRuntime automatic */
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import type { billing } from '@acme/contracts';
import { intlOf, type Translate } from '../i18n/index.js';
import { Layout, type PageFrame } from './layout.js';
import { formatMoney } from './money.js';
import { Position, type InvoiceMonth } from './invoice.js';

/** Why a line is charged: the holdings or seat changes behind it, each with the event and request that made it. */
export type WhyCharged =
  | { kind: 'member'; explanation: billing.ExplainChargeResponse }
  | {
      kind: 'seats';
      line: billing.InvoiceLine | null;
      changes: billing.LedgerEntry[];
      /** More changes than listed (the oldest are). */
      more: boolean;
      position?: billing.LedgerPosition;
    };

/**
 * "Why is this charged": a Contact Center user's days in queues (ExplainCharge), or a product's
 * purchased seats over the month and every purchase or reduction behind them (the ledger's
 * entries), each linked to the request in the audit log.
 */
export function WhyChargedPage({
  frame,
  month,
  label,
  why,
}: {
  frame: PageFrame;
  month: InvoiceMonth;
  /** The line: product, and user for a Contact Center line. */
  label: string;
  why: WhyCharged;
}) {
  const { t, locale } = frame;
  const intl = intlOf(locale);
  const date = (ts: Timestamp | undefined) =>
    ts ? intl.formatDate(timestampDate(ts), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) : '';
  const lines = why.kind === 'member' ? why.explanation.lines : why.line ? [why.line] : [];
  return (
    <Layout frame={frame} title={t('why.title', { line: label })}>
      <p>
        <a href={`/invoice?month=${month.key}`}>{t('why.back')}</a>
      </p>
      <Position t={t} locale={locale} position={why.kind === 'member' ? why.explanation.position : why.position} />
      <p>
        {t(why.kind === 'member' ? 'why.memberBasis' : 'why.seatBasis')}{' '}
        {lines.map((line) =>
          t('why.amount', {
            days: line.quantityDays,
            price: line.unitPrice ? formatMoney(intl, line.unitPrice) : '',
            amount: line.amount ? formatMoney(intl, line.amount) : '',
          }),
        )}
        {lines.length === 0 && t('why.nothing')}
      </p>
      {why.kind === 'member' ? (
        <table>
          <caption>{t('why.intervals')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('why.from')}</th>
              <th scope="col">{t('why.to')}</th>
              <th scope="col">{t('invoice.days')}</th>
              <th scope="col">{t('why.openedBy')}</th>
              <th scope="col">{t('why.closedBy')}</th>
            </tr>
          </thead>
          <tbody>
            {why.explanation.intervals.map((interval, i) => (
              <tr key={i}>
                <th scope="row">
                  {date(interval.start)} {interval.kind === 'seat' && `(${t('why.seatHeld')})`}
                </th>
                <td>{interval.end ? date(interval.end) : t('why.open')}</td>
                <td>{interval.daysInPeriod}</td>
                <td>
                  <Cause t={t} date={date} cause={interval.openedBy} />
                </td>
                <td>
                  <Cause t={t} date={date} cause={interval.closedBy} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <>
          {why.line && (
            <table>
              <caption>{t('why.seatsOverMonth')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('why.from')}</th>
                  <th scope="col">{t('why.to')}</th>
                  <th scope="col">{t('why.seats')}</th>
                </tr>
              </thead>
              <tbody>
                {why.line.intervals.map((interval, i) => (
                  <tr key={i}>
                    <th scope="row">{date(interval.start)}</th>
                    <td>{date(interval.end)}</td>
                    <td>{interval.quantity}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <table>
            <caption>{t('why.seatChanges')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('why.when')}</th>
                <th scope="col">{t('why.change')}</th>
                <th scope="col">{t('why.cause')}</th>
              </tr>
            </thead>
            <tbody>
              {why.changes.map((entry) => (
                <tr key={entry.id}>
                  <th scope="row">{date(entry.effectiveTime)}</th>
                  <td>{entry.kind === 'seats_removed' ? `−${entry.quantity}` : `+${entry.quantity}`}</td>
                  <td>
                    <Cause t={t} date={date} cause={entry.event} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {why.more && <p>{t('why.more', { count: why.changes.length })}</p>}
        </>
      )}
    </Layout>
  );
}

/** The event behind an entry: what happened, when, who, the request (linked to the audit log) and the rules. */
function Cause({
  t,
  date,
  cause,
}: {
  t: Translate;
  date: (ts: Timestamp | undefined) => string;
  cause: billing.EventCause | undefined;
}) {
  if (!cause) return <>{t('why.none')}</>;
  return (
    <>
      {t('why.event', { event: cause.eventType, time: date(cause.occurTime), actor: cause.actorSubject || '?' })}
      {cause.causationId && (
        <>
          {' · '}
          <a href={`/audit?${new URLSearchParams({ request: cause.causationId })}`}>
            {t('why.request', { request: cause.causationId })}
          </a>
        </>
      )}
      {cause.ruleIds.length > 0 && <> · {t('why.rules', { rules: cause.ruleIds.join(', ') })}</>}
    </>
  );
}
