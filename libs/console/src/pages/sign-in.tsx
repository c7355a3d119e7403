/* @jsxRuntime automatic */
import type { MessageKey } from '../i18n/index.js';
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

/**
 * The way in: the company's identity provider (production), and in development the demo people.
 * `problem` says why the last attempt let nobody in.
 */
export function SignInPage({
  frame,
  identities,
  oidc,
  problem = null,
}: {
  frame: PageFrame;
  identities: readonly DemoIdentity[];
  /** Whether sign-in through the identity provider is configured. */
  oidc: boolean;
  problem?: MessageKey | null;
}) {
  const { t, csrf } = frame;
  return (
    <Layout frame={frame} title={t('signIn.title')}>
      {problem && (
        <section className="denial" role="alert" aria-labelledby="sign-in-problem">
          <h2 id="sign-in-problem">{t('signIn.problem')}</h2>
          <p>{t(problem)}</p>
        </section>
      )}
      {oidc && (
        <p>
          <a className="button" href="/sign-in/oidc">
            {t('signIn.oidc')}
          </a>
        </p>
      )}
      {identities.length === 0 && !oidc && <p>{t('signIn.none')}</p>}
      {identities.length > 0 && (
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

/** After the identity provider: a page of the console's own that moves on to `to` (see session-routes). */
export function SignedInPage({ frame, to }: { frame: PageFrame; to: string }) {
  const { t } = frame;
  return (
    <Layout frame={frame} title={t('signIn.done')} head={<meta httpEquiv="refresh" content={`0;url=${to}`} />}>
      <p>
        <a href={to}>{t('signIn.continue')}</a>
      </p>
    </Layout>
  );
}
