/** Values the embedded development stack and the dev CLI share, so a newcomer needs no setup. */
export const DEV_DEFAULTS = {
  port: 50051,
  issuer: 'acme-dev',
  audience: 'licensing',
  devKeysFile: 'data/dev-jwks.json',
  sqlitePath: 'data/licensing.db',
  accountId: 'acct_demo_goto',
  adminUserId: 'usr_demo_goto_admin',
} as const;
