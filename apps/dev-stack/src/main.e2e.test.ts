/**
 * The main command as a newcomer runs it: a separate process started the way `npm start` starts
 * it, which must print where it listens and a token, answer health and a real RPC over the
 * socket, and exit cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { billing, LicensingService } from '@acme/contracts';
import { eventually } from '@acme/testing';
import { checkHealth, createClient } from '@acme/grpc';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'main-'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function startMain(): Promise<{ address: string; billingAddress: string; token: string; consoleUrl: string }> {
  child = spawn(join(root, 'node_modules/.bin/tsx'), ['apps/dev-stack/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      GRPC_PORT: '0',
      BILLING_API_PORT: '0',
      CONSOLE_PORT: '0',
      SQLITE_PATH: join(dir, 'licensing.db'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 45s:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const address = /listening on (\S+)/.exec(output)?.[1];
      const billingAddress = /billing API listening on (\S+)/.exec(output)?.[1];
      const token = /export TOKEN=(\S+)/.exec(output)?.[1];
      const consoleUrl = /admin console on (\S+)/.exec(output)?.[1];
      if (address && billingAddress && token && consoleUrl) {
        clearTimeout(timer);
        resolve({ address, billingAddress, token, consoleUrl });
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
}

describe('npm start (apps/dev-stack/src/main.ts)', () => {
  it('serves health and a real RPC, the billing API beside it, then shuts down gracefully on SIGTERM', async () => {
    const { address, billingAddress, token, consoleUrl } = await startMain();
    expect(await checkHealth(address)).toBe('SERVING');
    const client = createClient(LicensingService, address, { token });
    const account = await client.getAccount({});
    client.close();
    expect(account.account?.id).toBe('acct_demo_goto');
    // The printed token is the demo super admin's: the billing API (asking licensing) lets them read.
    // The demo seed's events reach the ledger through the in-process consumer, soon after the start.
    const ledger = createClient(billing.BillingService, billingAddress, { token });
    await eventually(async () => ((await ledger.listLedgerEntries({})).position?.lastSequence ?? 0n) > 0n, {
      what: 'the demo events in the ledger, read through the billing API',
    });
    ledger.close();
    // The admin console beside them, offering to sign in as each demo person the banner names.
    const signIn = await (await fetch(`${consoleUrl}/sign-in`)).text();
    expect(signIn).toContain('Sign in as Ada Admin (GoTo, super admin)');
    expect(signIn).toContain('Sign in as Zendesk owner');

    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
