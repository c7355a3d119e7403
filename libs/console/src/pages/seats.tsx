/* @jsxRuntime automatic */
import type { Product, ProductSeatUsage, Suite } from '@acme/contracts';
import { intlOf } from '../i18n/index.js';
import { Layout, type PageFrame } from './layout.js';
import { Outcome, type ChangeOutcome } from './outcome.js';

/** A reduction as the service previewed it (validate_only): the seat changes and who loses the product, in order. */
export interface ReductionPreview {
  /** `product:<id>` or `suite:<id>`: what is reduced. */
  target: string;
  newTotal: number;
  order: string;
  changes: { productId: string; before: number; after: number }[];
  downgraded: string[];
}

/**
 * Zendesk's seat reduction (article 004): the preview first, which lists who would lose the
 * product and in which order when fewer seats than users remain; then the confirmation.
 */
export function SeatsPage({
  frame,
  products,
  suites,
  usage,
  preview,
  outcome,
}: {
  frame: PageFrame;
  products: readonly Product[];
  suites: readonly Suite[];
  usage: readonly ProductSeatUsage[];
  preview: ReductionPreview | null;
  outcome: ChangeOutcome | null;
}) {
  const { t, csrf, locale } = frame;
  const intl = intlOf(locale);
  const nameOf = (id: string) => products.find((p) => p.id === id)?.name ?? id;
  const purchased = new Map(usage.map((u) => [u.productId, u.purchased]));
  // A whole suite the account holds is reduced as one (its products may have to keep one seat count).
  const targets = [
    ...suites
      .filter((s) => s.productIds.length > 0 && s.productIds.every((id) => purchased.has(id)))
      .map((s) => ({
        key: `suite:${s.id}`,
        name: s.name,
        seats: Math.min(...s.productIds.map((id) => purchased.get(id)!)),
      })),
    ...usage.map((u) => ({ key: `product:${u.productId}`, name: nameOf(u.productId), seats: u.purchased })),
  ];
  return (
    <Layout frame={frame} title={t('seats.title')}>
      <Outcome t={t} outcome={outcome} />
      {preview && (
        <section className="preview" aria-labelledby="preview-title">
          <h2 id="preview-title">{t('seats.previewTitle')}</h2>
          <ul>
            {preview.changes.map((c) => (
              <li key={c.productId}>
                {t('seats.change', {
                  product: nameOf(c.productId),
                  before: intl.formatNumber(c.before),
                  after: intl.formatNumber(c.after),
                })}
              </li>
            ))}
          </ul>
          {preview.downgraded.length > 0 ? (
            <>
              <p>{t('seats.downgraded')}</p>
              <ol>
                {preview.downgraded.map((user) => (
                  <li key={user}>{user}</li>
                ))}
              </ol>
            </>
          ) : (
            <p>{t('seats.nobody')}</p>
          )}
          <form method="post" action="/seats">
            <input type="hidden" name="_csrf" value={csrf} />
            <input type="hidden" name="target" value={preview.target} />
            <input type="hidden" name="newTotal" value={preview.newTotal} />
            <input type="hidden" name="order" value={preview.order} />
            <input type="hidden" name="confirm" value="1" />
            <button type="submit">{t('seats.confirm')}</button>
          </form>
        </section>
      )}
      <p>{t('seats.intro')}</p>
      {targets.map((target) => {
        const id = `seats-${target.key.replace(':', '-')}`;
        return (
          <form key={target.key} method="post" action="/seats" className="reduce">
            <input type="hidden" name="_csrf" value={csrf} />
            <input type="hidden" name="target" value={target.key} />
            <label htmlFor={id}>{t('seats.newTotal', { product: target.name })}</label>
            <input
              id={id}
              name="newTotal"
              type="number"
              min={0}
              max={target.seats}
              defaultValue={target.seats}
              required
            />
            <label htmlFor={`${id}-order`}>{t('seats.order')}</label>
            <select id={`${id}-order`} name="order" defaultValue="default">
              <option value="default">{t('seats.order.default')}</option>
              <option value="recent">{t('seats.order.recent')}</option>
              <option value="alphabetical">{t('seats.order.alphabetical')}</option>
            </select>
            <button type="submit">{t('seats.preview')}</button>
          </form>
        );
      })}
    </Layout>
  );
}
