/* @jsxRuntime automatic */
import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  AccountKind,
  AccountStyle,
  SalesOrderState,
  type Account,
  type ProductSeatUsage,
  type SalesOrder,
} from '@acme/contracts';
import { intlOf } from '../i18n/index.js';
import { Layout, type PageFrame } from './layout.js';
import { Outcome, type ChangeOutcome } from './outcome.js';
import { Tick } from './product-choices.js';

const STYLES: Record<AccountStyle, string> = {
  [AccountStyle.UNSPECIFIED]: '',
  [AccountStyle.GOTO]: 'GoTo',
  [AccountStyle.ZENDESK]: 'Zendesk',
};

/** The back office's accounts, a page at a time, each linking to its orders from sales. */
export function AccountsPage({
  frame,
  accounts,
  nextPage,
}: {
  frame: PageFrame;
  accounts: readonly Account[];
  nextPage: string;
}) {
  const { t } = frame;
  return (
    <Layout frame={frame} title={t('office.title')}>
      <p>{t('office.intro')}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('office.account')}</th>
            <th scope="col">{t('office.style')}</th>
            <th scope="col">{t('office.kind')}</th>
            <th scope="col">{t('office.currency')}</th>
            <th scope="col">{t('office.card')}</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr key={a.id}>
              <th scope="row">
                <a href={`/back-office/accounts/${encodeURIComponent(a.id)}`}>{a.name}</a>{' '}
                <span className="product-id">({a.id})</span>
              </th>
              <td>{STYLES[a.style]}</td>
              <td>{t(a.kind === AccountKind.SALES_MANAGED ? 'office.salesManaged' : 'office.selfService')}</td>
              <td>{a.currency}</td>
              <td>{t(a.cardOnFile ? 'office.yes' : 'office.no')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {nextPage && <a href={`/back-office?${new URLSearchParams({ page: nextPage })}`}>{t('office.next')}</a>}
    </Layout>
  );
}

/**
 * One account as the back office sees it: its seats, and its orders from sales (the articles' "up
 * to 48 hours"), each pending one completed (dry run first) or cancelled here.
 */
export function AccountPage({
  frame,
  account,
  usage,
  orders,
  productNames,
  outcome,
}: {
  frame: PageFrame;
  account: Account;
  usage: readonly ProductSeatUsage[];
  orders: readonly SalesOrder[];
  productNames: ReadonlyMap<string, string>;
  outcome: ChangeOutcome | null;
}) {
  const { t, csrf, locale } = frame;
  const intl = intlOf(locale);
  const base = `/back-office/accounts/${encodeURIComponent(account.id)}`;
  const nameOf = (id: string) => productNames.get(id) ?? id;
  return (
    <Layout frame={frame} title={account.name}>
      <p>
        <a href="/back-office">{t('office.back')}</a>
      </p>
      <Outcome t={t} outcome={outcome} />
      <table>
        <caption>{t('products.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('products.product')}</th>
            <th scope="col">{t('products.purchased')}</th>
            <th scope="col">{t('products.assigned')}</th>
            <th scope="col">{t('products.pending')}</th>
          </tr>
        </thead>
        <tbody>
          {usage.map((u) => (
            <tr key={u.productId}>
              <th scope="row">{nameOf(u.productId)}</th>
              <td>{u.purchased}</td>
              <td>{u.assigned}</td>
              <td>{u.pendingFromSales}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('office.orders')}</h2>
      {orders.length === 0 ? (
        <p>{t('office.noOrders')}</p>
      ) : (
        <ul className="orders">
          {orders.map((order) => {
            const heading = `order-${order.id}`;
            const when = order.createTime
              ? intl.formatDate(timestampDate(order.createTime), { dateStyle: 'medium', timeStyle: 'short' })
              : '';
            return (
              <li key={order.id}>
                <article aria-labelledby={heading}>
                  <h3 id={heading}>
                    {t('office.order', { product: nameOf(order.productId), count: order.quantity, id: order.id })}
                  </h3>
                  <p>
                    {t('office.requested', { who: order.requestedBy, time: when })} ·{' '}
                    {t(
                      order.state === SalesOrderState.PENDING
                        ? 'office.pending'
                        : order.state === SalesOrderState.COMPLETED
                          ? 'office.completedState'
                          : 'office.cancelledState',
                    )}
                  </p>
                  {order.state === SalesOrderState.PENDING && (
                    <>
                      <form method="post" action={`${base}/orders/${encodeURIComponent(order.id)}/complete`}>
                        <input type="hidden" name="_csrf" value={csrf} />
                        <Tick id={`${heading}-dry-run`} name="dryRun" label={t('users.dryRun')} />
                        <button type="submit">{t('office.complete', { id: order.id })}</button>
                      </form>
                      <form method="post" action={`${base}/orders/${encodeURIComponent(order.id)}/cancel`}>
                        <input type="hidden" name="_csrf" value={csrf} />
                        <Tick id={`${heading}-cancel-dry-run`} name="dryRun" label={t('users.dryRun')} />
                        <button type="submit">{t('office.cancel', { id: order.id })}</button>
                      </form>
                    </>
                  )}
                </article>
              </li>
            );
          })}
        </ul>
      )}
    </Layout>
  );
}
