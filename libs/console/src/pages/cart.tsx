/* @jsxRuntime automatic */
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Product, Quote, Suite } from '@acme/contracts';
import { intlOf } from '../i18n/index.js';
import { Layout, type PageFrame } from './layout.js';
import { formatMoney } from './money.js';
import { Outcome, type ChangeOutcome } from './outcome.js';

/** What the service answered to the cart as a dry run: prices to buy at, or the way to sales. */
export type CartReview =
  { kind: 'prices'; quote: Quote; items: string } | { kind: 'sales'; items: string; reasons: string[] };

/**
 * Add licenses (GoTo "Buy licenses", Zendesk "Manage subscription"): a cart priced by the service
 * (unit prices, suite lines, the prorated charge now and the total) before anything is bought;
 * a caller who may not buy but may ask sales gets the request to sales instead, with its 48 hours.
 */
export function CartPage({
  frame,
  products,
  suites,
  review,
  outcome,
}: {
  frame: PageFrame;
  /** What the account may buy (its vendor's products). */
  products: readonly Product[];
  suites: readonly Suite[];
  review: CartReview | null;
  outcome: ChangeOutcome | null;
}) {
  const { t, csrf, locale } = frame;
  const intl = intlOf(locale);
  const offered = new Set(products.map((p) => p.id));
  const nameOf = (id: string) => products.find((p) => p.id === id)?.name ?? id;
  const buyable = [
    ...suites
      .filter((s) => s.productIds.length > 0 && s.productIds.every((id) => offered.has(id)))
      .map((s) => ({ key: `suite:${s.id}`, label: t('cart.suite', { name: s.name }) })),
    ...products.map((p) => ({ key: `product:${p.id}`, label: p.name })),
  ];
  return (
    <Layout frame={frame} title={t('cart.title')}>
      <Outcome t={t} outcome={outcome} />
      {review?.kind === 'prices' && review.quote.total && (
        <section aria-labelledby="prices">
          <h2 id="prices">{t('cart.total', { total: formatMoney(intl, review.quote.total) })}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('cart.line')}</th>
                <th scope="col">{t('cart.unitPrice')}</th>
                <th scope="col">{t('cart.now')}</th>
                <th scope="col">{t('cart.recurring')}</th>
              </tr>
            </thead>
            <tbody>
              {review.quote.lines.map((line) => (
                <tr key={`${line.suiteId}:${line.productId}`}>
                  <th scope="row">
                    {nameOf(line.productId)} × {intl.formatNumber(line.quantity)}
                  </th>
                  <td>{line.unitPrice && formatMoney(intl, line.unitPrice)}</td>
                  <td>{line.proratedAmount && formatMoney(intl, line.proratedAmount)}</td>
                  <td>{line.recurringAmount && formatMoney(intl, line.recurringAmount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {review.quote.expireTime && (
            <p>
              {t('cart.expires', {
                time: intl.formatTime(timestampDate(review.quote.expireTime), { timeStyle: 'short' }),
              })}
            </p>
          )}
          <p>{t('cart.support')}</p>
          <form method="post" action="/cart/buy">
            <input type="hidden" name="_csrf" value={csrf} />
            <input type="hidden" name="items" value={review.items} />
            <input type="hidden" name="expected" value={review.quote.total.amountMinor.toString()} />
            <button type="submit">{t('cart.buy', { total: formatMoney(intl, review.quote.total) })}</button>
          </form>
        </section>
      )}
      {review?.kind === 'sales' && (
        <section aria-labelledby="sales">
          <h2 id="sales">{t('cart.salesTitle')}</h2>
          <p>{t('cart.salesIntro')}</p>
          {review.reasons.map((r) => (
            <p key={r}>{t('result.warning', { message: r })}</p>
          ))}
          <form method="post" action="/cart/sales">
            <input type="hidden" name="_csrf" value={csrf} />
            <input type="hidden" name="items" value={review.items} />
            <button type="submit">{t('cart.salesSend')}</button>
          </form>
        </section>
      )}
      <p>{t('cart.intro')}</p>
      <form method="post" action="/cart">
        <input type="hidden" name="_csrf" value={csrf} />
        {buyable.map((item) => (
          <p key={item.key}>
            <label htmlFor={`qty-${item.key.replace(':', '-')}`}>{t('cart.quantity', { product: item.label })}</label>{' '}
            <input
              id={`qty-${item.key.replace(':', '-')}`}
              name={`qty:${item.key}`}
              type="number"
              min={0}
              max={1000}
              defaultValue={0}
            />
          </p>
        ))}
        <button type="submit">{t('cart.review')}</button>
      </form>
    </Layout>
  );
}
