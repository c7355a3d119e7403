/**
 * The deployable build (npm run build): the bundled apps (the admin console among them) start as
 * plain Node programs from any working directory, find their data files, serve, and refuse bad
 * configuration as the sources do.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicensingService } from '@acme/contracts';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import { checkHealth, createClient } from '@acme/grpc';
import { eventually, freePort } from '@acme/testing';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const node = join(root, 'node_modules/.bin/node');
const dir = mkdtempSync(join(tmpdir(), 'built-apps-'));
// Inside the checkout: the bundles load their npm dependencies from its node_modules.
mkdirSync(join(root, 'tmp'), { recursive: true });
const dist = mkdtempSync(join(root, 'tmp', 'dist-'));

// The build takes seconds; its bound (and the project's hook timeout) only catches a hang.
beforeAll(() => {
  const build = spawnSync(node, ['tools/scripts/build-apps.mjs', '--outdir', dist], {
    cwd: root,
    encoding: 'utf8',
    timeout: 150_000,
  });
  expect(build.stderr).toBe('');
  expect(build.status).toBe(0);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
});

describe('the built apps', () => {
  it('serve the licensing service from another working directory, with its rules and catalog', async () => {
    const keys = await loadOrCreateDevKeys(join(dir, 'keys.json'));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(keys.publicJwks));
    const port = await freePort();
    const service = spawn(
      node,
      ['--max-semi-space-size=8', '--heap-growing-percent=100', join(dist, 'licensing-service.mjs')],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          GRPC_PORT: String(port),
          SQLITE_PATH: join(dir, 'licensing.db'),
          JWT_JWKS_FILE: join(dir, 'jwks.json'),
          SEED_DEMO: 'true',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    // What the service said, for the failure message if it does not serve.
    let stderr = '';
    service.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    try {
      await eventually(async () => (await checkHealth(`127.0.0.1:${port}`).catch(() => '')) === 'SERVING', {
        timeoutMs: 30_000,
        what: 'the built service',
      }).catch((error: Error) => {
        throw new Error(`${error.message} (exit code ${service.exitCode}, stderr: ${stderr})`);
      });
      const token = await signToken(keys.privateJwk, {
        subject: 'usr_demo_goto_admin',
        accountId: 'acct_demo_goto',
        issuer: 'acme-dev',
        audience: 'licensing',
      });
      const client = createClient(LicensingService, `127.0.0.1:${port}`, { token, timeoutMs: 10_000 });
      expect((await client.listProducts({})).products).toHaveLength(10);
      const assigned = await client.assignLicenses({
        userId: 'usr_demo_goto_agent',
        products: [{ productId: 'goto_meeting' }],
      });
      expect(assigned.decision?.ruleSetVersion).toMatch(/^[0-9a-f]{16}$/);
      client.close();
    } finally {
      // A service that already exited (it could not start) has nothing left to wait for.
      if (service.exitCode === null && service.signalCode === null) {
        const exited = new Promise((resolve) => service.once('exit', resolve));
        service.kill('SIGTERM');
        await exited;
      }
    }
  });

  it('serve the admin console from another working directory, with its stylesheet', async () => {
    const port = await freePort();
    const console_ = spawn(node, [join(dist, 'admin-console.mjs')], {
      cwd: dir,
      // No dev keys: the sign-in page says nobody can sign in, and no service is called for it.
      env: { PATH: process.env.PATH ?? '', CONSOLE_PORT: String(port), LICENSING_ADDRESS: '127.0.0.1:1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    console_.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    try {
      let signIn = '';
      const page = () =>
        fetch(`http://127.0.0.1:${port}/sign-in`, { headers: { 'accept-language': 'it' } }).then(
          (response) => response.text(),
          () => '',
        );
      await eventually(async () => (signIn = await page()) !== '', {
        timeoutMs: 60_000,
        what: 'the built console',
      }).catch((error: Error) => {
        throw new Error(`${error.message} (exit code ${console_.exitCode}, stderr: ${stderr})`);
      });
      expect(signIn).toContain('<html lang="it">');
      expect(signIn).toContain('Per questa console non è configurato alcun accesso.');
      const css = await fetch(`http://127.0.0.1:${port}/console.css`);
      expect(css.headers.get('content-type')).toMatch(/^text\/css/);
      expect(await css.text()).toContain(':focus-visible');
    } finally {
      if (console_.exitCode === null && console_.signalCode === null) {
        const exited = new Promise((resolve) => console_.once('exit', resolve));
        console_.kill('SIGTERM');
        await exited;
      }
    }
  });

  it('refuse to start the billing consumer without KAFKA_BROKERS, as the sources do', () => {
    const result = spawnSync(node, [join(dist, 'billing-consumer.mjs')], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('KAFKA_BROKERS: required');
  });
});
