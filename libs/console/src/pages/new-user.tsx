/* @jsxRuntime automatic */
import type { Product } from '@acme/contracts';
import { Layout, type PageFrame } from './layout.js';
import { Outcome, type ChangeOutcome } from './outcome.js';
import { ProductChoices, Tick } from './product-choices.js';

/** The roles an administrator gives a new user here (custom roles' permissions come through the API). */
export const NEW_USER_ROLES = ['member', 'admin', 'super_admin'] as const;

/** "Add a user": email, name, role and the products to assign at once, all or nothing (article 000). */
export function NewUserPage({
  frame,
  products,
  values,
  outcome,
}: {
  frame: PageFrame;
  /** The products the account has seats of. */
  products: readonly Product[];
  /** What was typed, kept after a dry run or a refusal. */
  values: { email: string; displayName: string; role: string };
  outcome: ChangeOutcome | null;
}) {
  const { t, csrf } = frame;
  return (
    <Layout frame={frame} title={t('users.new')}>
      <Outcome t={t} outcome={outcome} />
      <form method="post" action="/users">
        <input type="hidden" name="_csrf" value={csrf} />
        <p>
          <label htmlFor="email">{t('users.email')}</label>{' '}
          <input id="email" name="email" type="email" required autoComplete="off" defaultValue={values.email} />
        </p>
        <p>
          <label htmlFor="displayName">{t('users.name')}</label>{' '}
          <input id="displayName" name="displayName" required autoComplete="off" defaultValue={values.displayName} />
        </p>
        <p>
          <label htmlFor="role">{t('users.role')}</label>{' '}
          <select id="role" name="role" defaultValue={values.role || 'member'}>
            {NEW_USER_ROLES.map((role) => (
              <option key={role} value={role}>
                {t(`users.role.${role}`)}
              </option>
            ))}
          </select>
        </p>
        <h2>{t('users.productsOfNew')}</h2>
        <ProductChoices t={t} idPrefix="new" products={products} />
        <Tick id="new-notify" name="notify" label={t('users.notify')} />
        <Tick id="new-dry-run" name="dryRun" label={t('users.dryRun')} />
        <button type="submit">{t('users.create')}</button>
      </form>
    </Layout>
  );
}
