/**
 * The rules' figures on a running service's metrics: the active version, and the drift of a
 * refused edit, which lasts until the files check again.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadOrCreateDevKeys } from '@acme/auth';
import { DEFAULT_POLICIES_DIR } from '@acme/rules';
import { eventually } from '@acme/testing';
import { loadLicensingConfig } from './config.js';
import { startLicensingService, type RunningLicensingService } from './licensing-service.js';

const dir = mkdtempSync(join(tmpdir(), 'rules-metrics-'));
const policies = join(dir, 'policies');
let service: RunningLicensingService;

beforeAll(async () => {
  cpSync(DEFAULT_POLICIES_DIR, policies, { recursive: true });
  const keys = await loadOrCreateDevKeys(join(dir, 'keys.json'));
  const config = loadLicensingConfig({
    GRPC_PORT: '0',
    SQLITE_PATH: join(dir, 'licensing.db'),
    RULES_DIR: policies,
    LOG_LEVEL: 'silent',
  });
  service = await startLicensingService({ config, logger: pino({ level: 'silent' }), jwks: keys.publicJwks });
});

afterAll(async () => {
  await service?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The value of one series, as the metrics endpoint shows it. */
const series = async (line: RegExp) => {
  const match = line.exec(await service.registry.metrics());
  return match ? Number(match[1]) : null;
};

it('shows the active rule-set version, and a refused edit as drift until the files are back', async () => {
  const version = service.rulesVersion;
  expect(await series(new RegExp(`^licensing_rules_active_info\\{version="${version}"\\} (\\d+)$`, 'm'))).toBe(1);
  expect(await series(/^licensing_rules_drift (\d+)$/m)).toBe(0);

  const file = join(policies, 'who-may-act/manage-queues.rule.json');
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, '{ "id": ');
  await eventually(async () => (await series(/^licensing_rules_drift (\d+)$/m)) === 1, { what: 'the drift reported' });
  expect(await series(/^licensing_rules_reloads_total\{outcome="refused"\} (\d+)$/m)).toBe(1);
  expect(await series(new RegExp(`^licensing_rules_active_info\\{version="${version}"\\} (\\d+)$`, 'm'))).toBe(1);

  writeFileSync(file, original);
  await eventually(async () => (await series(/^licensing_rules_drift (\d+)$/m)) === 0, { what: 'the drift cleared' });
  expect(service.rulesVersion).toBe(version);
});
