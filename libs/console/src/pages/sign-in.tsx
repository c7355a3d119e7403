/* @jsxRuntime automatic */
import { Layout, type PageFrame } from './layout.js';

export interface DemoIdentity {
  key: string;
  name: string;
  subject: string;
  /** The account of a user; empty for an operator. */
  accountId: string;
  /** An operator of the back office: a service identity with these scopes and no account. */
  scopes?: readonly string[];
}

export function SignInPage({ frame, identities }: { frame: PageFrame; identities: readonly DemoIdentity[] }) {
  const { t, csrf } = frame;
  return (
    <Layout frame={frame} title={t('signIn.title')}>
      {identities.length === 0 ? (
        <p>{t('signIn.none')}</p>
      ) : (
        <>
          <p>{t('signIn.intro')}</p>
          <ul className="identities">
            {identities.map((identity) => (
              <li key={identity.key}>
                <form method="post" action="/sign-in">
                  <input type="hidden" name="_csrf" value={csrf} />
                  <input type="hidden" name="identity" value={identity.key} />
                  <button type="submit">{t('signIn.as', { name: identity.name })}</button>
                </form>
              </li>
            ))}
          </ul>
        </>
      )}
    </Layout>
  );
}
