/**
 * A company's identity provider for the console's sign-in tests: a real OpenID Provider
 * (oidc-provider) on an ephemeral port, with its development login page (any password) and one
 * client. Who each login is comes from `people`; the ID token carries their email, whether it is
 * verified, the account claim and groups.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface Person {
  email: string;
  email_verified: boolean;
  name: string;
  org_id?: string;
  groups?: string[];
}

export interface TestIdentityProvider {
  issuer: string;
  /** Serves the provider for this client, once the console's callback address is known. */
  serve(client: { clientId: string; clientSecret: string; redirectUri: string }): void;
  close(): Promise<void>;
}

export async function startTestIdentityProvider(people: Record<string, Person>): Promise<TestIdentityProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    serve({ clientId, clientSecret, redirectUri }) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', alg: 'RS256', use: 'sig' }] },
        cookies: { keys: ['test-only'] },
        features: { devInteractions: { enabled: true } },
        pkce: { required: () => true },
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'org_id', 'groups'] },
        // The claims in the ID token itself (not only from userinfo): what the console reads.
        conformIdTokenClaims: false,
        findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, ...people[sub] }) }),
      });
      server.on('request', provider.callback());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
