/* @jsxRuntime automatic */
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { billing } from '@acme/contracts';
import { intlOf, type Translate } from '../i18n/index.js';
import { Layout, type PageFrame } from './layout.js';
import { formatMoney } from './money.js';

/** A month as the console's links name it (`2026-12`), and the period it stands for. */
export interface InvoiceMonth {
  key: string;
  start: Date;
  end: Date;
  previous: string;
  next: string;
}

/** Where each invoice line's "why" is explained. */
export const whyLink = (month: string, line: { productId: string; userId: string }) =>
  `/invoice/why?${new URLSearchParams({ month, product: line.productId, ...(line.userId ? { user: line.userId } : {}) })}`;

/**
 * The invoice preview of a month from the billing ledger: each line with its days, unit price and
 * amount, and a link to why it is charged; the totals; how far billing has caught up.
 */
export function InvoicePage({
  frame,
  month,
  preview,
  names,
}: {
  frame: PageFrame;
  month: InvoiceMonth;
  preview: billing.GetInvoicePreviewResponse;
  /** Product and user names by id. */
  names: ReadonlyMap<string, string>;
}) {
  const { t, locale } = frame;
  const intl = intlOf(locale);
  const title = t('invoice.title', {
    month: intl.formatDate(month.start, { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  });
  return (
    <Layout frame={frame} title={title}>
      <nav aria-label={t('invoice.months')} className="tabs">
        <a href={`/invoice?month=${month.previous}`}>{t('invoice.previous')}</a>
        <a href={`/invoice?month=${month.next}`}>{t('invoice.next')}</a>
      </nav>
      <Position t={t} locale={frame.locale} position={preview.position} />
      {preview.lines.length === 0 ? (
        <p>{t('invoice.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('invoice.line')}</th>
              <th scope="col">{t('invoice.basis')}</th>
              <th scope="col">{t('invoice.days')}</th>
              <th scope="col">{t('cart.unitPrice')}</th>
              <th scope="col">{t('invoice.amount')}</th>
              <th scope="col">{t('invoice.why')}</th>
            </tr>
          </thead>
          <tbody>
            {preview.lines.map((line, index) => {
              const product = names.get(line.productId) ?? line.productId;
              const label = line.userId ? `${product} · ${names.get(line.userId) ?? line.userId}` : product;
              return (
                // A product may have two lines in a month (two unit prices): the index keeps them apart.
                <tr key={`${index}:${line.kind}:${line.productId}:${line.userId}`}>
                  <th scope="row">{label}</th>
                  <td>{t(line.basis === 'contact_center_member' ? 'invoice.perMember' : 'invoice.perSeat')}</td>
                  <td>{line.quantityDays}</td>
                  <td>{line.unitPrice && formatMoney(intl, line.unitPrice)}</td>
                  <td>
                    {line.amount && formatMoney(intl, line.amount)}
                    {!line.charged && line.note && <span className="note"> · {line.note}</span>}
                  </td>
                  <td>
                    <a href={whyLink(month.key, line)}>{t('invoice.whyOf', { line: label })}</a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {preview.totals.map((total) => (
        <h2 key={total.currencyCode}>{t('invoice.total', { total: formatMoney(intl, total) })}</h2>
      ))}
      {preview.warnings.map((w) => (
        <p key={w}>{t('result.warning', { message: w })}</p>
      ))}
    </Layout>
  );
}

/** How far billing has read the account's events: what an answer is complete through. */
export function Position({
  t,
  locale,
  position,
}: {
  t: Translate;
  locale: PageFrame['locale'];
  position: billing.LedgerPosition | undefined;
}) {
  if (!position) return null;
  const through = Number(position.completeThroughSequence);
  const last = Number(position.lastSequence);
  const time = position.lastEventTime
    ? intlOf(locale).formatDate(timestampDate(position.lastEventTime), { dateStyle: 'medium', timeStyle: 'medium' })
    : '';
  return (
    <p className="position">
      {through === last
        ? t('invoice.upToDate', { count: last, time })
        : t('invoice.catchingUp', { through, count: last })}
    </p>
  );
}
