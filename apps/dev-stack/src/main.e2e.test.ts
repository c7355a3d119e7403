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
import { LicensingService } from '@acme/contracts';
import { checkHealth, createClient } from '@acme/grpc';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'main-'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function startMain(): Promise<{ address: string; token: string }> {
  child = spawn(join(root, 'node_modules/.bin/tsx'), ['apps/dev-stack/src/main.ts'], {
    cwd: root,
    env: { ...process.env, GRPC_PORT: '0', SQLITE_PATH: join(dir, 'licensing.db'), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 45s:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const address = /listening on (\S+)/.exec(output)?.[1];
      const token = /export TOKEN=(\S+)/.exec(output)?.[1];
      if (address && token) {
        clearTimeout(timer);
        resolve({ address, token });
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
}

describe('npm start (apps/dev-stack/src/main.ts)', () => {
  it('serves health and a real RPC, then shuts down gracefully on SIGTERM', async () => {
    const { address, token } = await startMain();
    expect(await checkHealth(address)).toBe('SERVING');
    const client = createClient(LicensingService, address, { token });
    const account = await client.getAccount({});
    client.close();
    expect(account.account?.id).toBe('acct_demo_goto');

    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
