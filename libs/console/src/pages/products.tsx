/* @jsxRuntime automatic */
import type { Product, ProductSeatUsage } from '@acme/contracts';
import { intlOf } from '../i18n/index.js';
import { Layout, type PageFrame } from './layout.js';
import { formatMoney } from './money.js';

/** GoTo's "Products" tab, Zendesk's "Manage subscription": seats per product and what each offers. */
export function ProductsPage({
  frame,
  products,
  usage,
}: {
  frame: PageFrame;
  products: readonly Product[];
  usage: readonly ProductSeatUsage[];
}) {
  const { t, locale } = frame;
  const intl = intlOf(locale);
  const byId = new Map(products.map((p) => [p.id, p]));
  return (
    <Layout frame={frame} title={t('products.title')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('products.product')}</th>
            <th scope="col">{t('products.purchased')}</th>
            <th scope="col">{t('products.assigned')}</th>
            <th scope="col">{t('products.available')}</th>
            <th scope="col">{t('products.pending')}</th>
            <th scope="col">{t('products.features')}</th>
          </tr>
        </thead>
        <tbody>
          {usage.map((u) => {
            const product = byId.get(u.productId);
            const price = product?.unitPrice;
            return (
              <tr key={u.productId}>
                <th scope="row">
                  {product?.name ?? u.productId}
                  {price && <div className="price">{t('products.price', { price: formatMoney(intl, price) })}</div>}
                </th>
                <td>{intl.formatNumber(u.purchased)}</td>
                <td>{intl.formatNumber(u.assigned)}</td>
                <td>{intl.formatNumber(u.available)}</td>
                <td>{intl.formatNumber(u.pendingFromSales)}</td>
                <td>{product?.features.join(', ')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Layout>
  );
}
