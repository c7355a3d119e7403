/* @jsxRuntime automatic */
import { UserState, type Assignment, type Product, type User } from '@acme/contracts';
import { Layout, type PageFrame } from './layout.js';
import { Outcome, type ChangeOutcome } from './outcome.js';
import { ProductChoices, Tick } from './product-choices.js';

/**
 * One user: what they hold with each feature on or off, "Add products" (feature toggles and the
 * notification), "Remove products" (the Contact Center warning, every queue), deactivation or
 * reactivation, each with its dry run; the phone configuration (articles 000-003).
 */
export function UserPage({
  frame,
  user,
  held,
  products,
  outcome,
}: {
  frame: PageFrame;
  user: User;
  held: readonly Assignment[];
  /** The products the account has seats of. */
  products: readonly Product[];
  outcome: ChangeOutcome | null;
}) {
  const { t, csrf } = frame;
  const id = encodeURIComponent(user.id);
  const nameOf = (productId: string) => products.find((p) => p.id === productId)?.name ?? productId;
  const active = user.state !== UserState.DEACTIVATED;
  const addable = products.filter((p) => !held.some((a) => a.productId === p.id));
  return (
    <Layout frame={frame} title={user.displayName}>
      <Outcome t={t} outcome={outcome} />
      <dl>
        <dt>{t('users.email')}</dt>
        <dd>{user.email}</dd>
        <dt>{t('users.roles')}</dt>
        <dd>{user.roles.join(', ')}</dd>
        <dt>{t('users.state')}</dt>
        <dd>{t(active ? 'users.active' : 'users.deactivated')}</dd>
      </dl>
      <p>
        <a href={`/users/${id}/phone`}>{t('users.phone', { name: user.displayName })}</a>
      </p>
      <h2>{t('users.held')}</h2>
      {held.length === 0 ? (
        <p>{t('users.holdsNothing')}</p>
      ) : (
        <ul className="held">
          {held.map((a) => {
            const off = Object.entries(a.features).filter(([, on]) => !on);
            return (
              <li key={a.id}>
                {nameOf(a.productId)} <span className="product-id">({a.productId})</span>
                {off.length > 0 && ` · ${t('users.featuresOff', { features: off.map(([f]) => f).join(', ') })}`}
              </li>
            );
          })}
        </ul>
      )}
      {active && addable.length > 0 && (
        <section className="add-products" aria-labelledby="add-products">
          <h2 id="add-products">{t('users.addProducts', { name: user.displayName })}</h2>
          <form method="post" action={`/users/${id}/products`}>
            <input type="hidden" name="_csrf" value={csrf} />
            <ProductChoices t={t} idPrefix="add" products={addable} />
            <Tick id="add-notify" name="notify" label={t('users.notify')} />
            <Tick id="add-dry-run" name="dryRun" label={t('users.dryRun')} />
            <button type="submit">{t('users.submit')}</button>
          </form>
        </section>
      )}
      {held.length > 0 && (
        <section className="remove-products" aria-labelledby="remove-products">
          <h2 id="remove-products">{t('users.removeProducts', { name: user.displayName })}</h2>
          <form method="post" action={`/users/${id}/remove-products`}>
            <input type="hidden" name="_csrf" value={csrf} />
            <ul>
              {held.map(({ productId }) => (
                <li key={productId}>
                  <input type="checkbox" id={`remove-${productId}`} name="product" value={productId} />
                  <label htmlFor={`remove-${productId}`}>{nameOf(productId)}</label>
                </li>
              ))}
            </ul>
            <Tick id="remove-queues" name="removeFromQueues" label={t('users.removeFromQueues')} />
            <Tick id="remove-notify" name="notify" label={t('users.notify')} />
            <Tick id="remove-dry-run" name="dryRun" label={t('users.dryRun')} />
            <button type="submit">{t('users.removeSubmit')}</button>
          </form>
        </section>
      )}
      <section aria-labelledby="lifecycle">
        <h2 id="lifecycle">
          {t(active ? 'users.deactivateTitle' : 'users.reactivateTitle', { name: user.displayName })}
        </h2>
        <p>{t(active ? 'users.deactivateIntro' : 'users.reactivateIntro')}</p>
        <form method="post" action={`/users/${id}/${active ? 'deactivate' : 'reactivate'}`}>
          <input type="hidden" name="_csrf" value={csrf} />
          <Tick id="lifecycle-dry-run" name="dryRun" label={t('users.dryRun')} />
          <button type="submit">{t(active ? 'users.deactivate' : 'users.reactivate')}</button>
        </form>
      </section>
    </Layout>
  );
}
