/* @jsxRuntime automatic */
import { UserState, type User } from '@acme/contracts';
import { Layout, type PageFrame } from './layout.js';
import { Outcome, type ChangeOutcome } from './outcome.js';

export interface UserRow {
  user: User;
  productIds: string[];
}

/**
 * The users of the account (GoTo "Users", Zendesk "Team members"): searched by the service, a page
 * at a time, each linking to the user's page; "Add a user" (articles 000-002).
 */
export function UsersPage({
  frame,
  query,
  rows,
  nextPage,
  outcome = null,
}: {
  frame: PageFrame;
  query: string;
  rows: readonly UserRow[];
  /** The next page's token, or empty on the last page. */
  nextPage: string;
  outcome?: ChangeOutcome | null;
}) {
  const { t } = frame;
  return (
    <Layout frame={frame} title={t('users.title')}>
      <Outcome t={t} outcome={outcome} />
      <p>
        <a href="/users/new">{t('users.new')}</a>
      </p>
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
              <th scope="col">{t('users.state')}</th>
              <th scope="col">{t('users.products')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ user, productIds }) => (
              <tr key={user.id}>
                <th scope="row">
                  <a href={`/users/${encodeURIComponent(user.id)}`}>{user.displayName}</a>
                </th>
                <td>{user.email}</td>
                <td>{user.roles.join(', ')}</td>
                <td>{t(user.state === UserState.DEACTIVATED ? 'users.deactivated' : 'users.active')}</td>
                <td>{productIds.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextPage && (
        <p>
          <a href={`/users?${new URLSearchParams({ q: query, page: nextPage })}`}>{t('users.next')}</a>
        </p>
      )}
    </Layout>
  );
}
