/* @jsxRuntime automatic */
import type { Product, User } from '@acme/contracts';
import { Layout, type PageFrame } from './layout.js';
import { Outcome, type ChangeOutcome } from './outcome.js';

export interface UserRow {
  user: User;
  productIds: string[];
}

/**
 * The users of the account (GoTo "Users", Zendesk "Team members"), searchable, and per user "Add
 * products" with each product's feature toggles and the optional notification (articles 000-002).
 */
export function UsersPage({
  frame,
  query,
  rows,
  products,
  outcome,
}: {
  frame: PageFrame;
  query: string;
  rows: readonly UserRow[];
  products: readonly Product[];
  outcome: ChangeOutcome | null;
}) {
  const { t, csrf } = frame;
  return (
    <Layout frame={frame} title={t('users.title')}>
      <Outcome t={t} outcome={outcome} />
      <form method="get" action="/users" role="search">
        <label htmlFor="q">{t('users.search')}</label>
        <input id="q" name="q" type="search" defaultValue={query} />
        <button type="submit">{t('users.searchButton')}</button>
      </form>
      {rows.length === 0 ? (
        <p>{t('users.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('users.name')}</th>
              <th scope="col">{t('users.email')}</th>
              <th scope="col">{t('users.roles')}</th>
              <th scope="col">{t('users.products')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ user, productIds }) => (
              <tr key={user.id}>
                <th scope="row">
                  {user.displayName}{' '}
                  <a href={`/users/${encodeURIComponent(user.id)}/phone`}>
                    {t('users.phone', { name: user.displayName })}
                  </a>
                </th>
                <td>{user.email}</td>
                <td>{user.roles.join(', ')}</td>
                <td>{productIds.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows.map(({ user, productIds }) => {
        const addable = products.filter((p) => !productIds.includes(p.id));
        if (addable.length === 0) return null;
        const heading = `add-${user.id}`;
        return (
          <section key={user.id} className="add-products" aria-labelledby={heading}>
            <h2 id={heading}>{t('users.addProducts', { name: user.displayName })}</h2>
            <form method="post" action={`/users/${encodeURIComponent(user.id)}/products`}>
              <input type="hidden" name="_csrf" value={csrf} />
              {addable.map((product) => (
                <fieldset key={product.id}>
                  <legend>
                    <input type="checkbox" id={`${user.id}-${product.id}`} name="product" value={product.id} />
                    <label htmlFor={`${user.id}-${product.id}`}>{product.name}</label>
                  </legend>
                  {product.features.length > 0 && (
                    <ul aria-label={t('users.featuresOf', { product: product.name })}>
                      {product.features.map((feature) => (
                        <li key={feature}>
                          {/* Every feature offered is posted, so one left unticked is switched off. */}
                          <input type="hidden" name={`offered:${product.id}`} value={feature} />
                          <input
                            type="checkbox"
                            id={`${user.id}-${product.id}-${feature}`}
                            name={`feature:${product.id}`}
                            value={feature}
                            defaultChecked
                          />
                          <label htmlFor={`${user.id}-${product.id}-${feature}`}>{feature}</label>
                        </li>
                      ))}
                    </ul>
                  )}
                </fieldset>
              ))}
              <p>
                <input type="checkbox" id={`${user.id}-notify`} name="notify" value="1" />
                <label htmlFor={`${user.id}-notify`}>{t('users.notify')}</label>
              </p>
              <p>
                <input type="checkbox" id={`${user.id}-dry-run`} name="dryRun" value="1" />
                <label htmlFor={`${user.id}-dry-run`}>{t('users.dryRun')}</label>
              </p>
              <button type="submit">{t('users.submit')}</button>
            </form>
          </section>
        );
      })}
      {rows
        .filter(({ productIds }) => productIds.length > 0)
        .map(({ user, productIds }) => {
          const heading = `remove-${user.id}`;
          return (
            <section key={heading} className="remove-products" aria-labelledby={heading}>
              <h2 id={heading}>{t('users.removeProducts', { name: user.displayName })}</h2>
              <form method="post" action={`/users/${encodeURIComponent(user.id)}/remove-products`}>
                <input type="hidden" name="_csrf" value={csrf} />
                <ul>
                  {productIds.map((productId) => (
                    <li key={productId}>
                      <input type="checkbox" id={`${heading}-${productId}`} name="product" value={productId} />
                      <label htmlFor={`${heading}-${productId}`}>
                        {products.find((p) => p.id === productId)?.name ?? productId}
                      </label>
                    </li>
                  ))}
                </ul>
                <p>
                  <input type="checkbox" id={`${heading}-queues`} name="removeFromQueues" value="1" />
                  <label htmlFor={`${heading}-queues`}>{t('users.removeFromQueues')}</label>
                </p>
                <p>
                  <input type="checkbox" id={`${heading}-notify`} name="notify" value="1" />
                  <label htmlFor={`${heading}-notify`}>{t('users.notify')}</label>
                </p>
                <p>
                  <input type="checkbox" id={`${heading}-dry-run`} name="dryRun" value="1" />
                  <label htmlFor={`${heading}-dry-run`}>{t('users.dryRun')}</label>
                </p>
                <button type="submit">{t('users.removeSubmit')}</button>
              </form>
            </section>
          );
        })}
    </Layout>
  );
}
