/**
 * The rules' figures on a running service's metrics: the active version, and the drift of a
 * refused edit, which lasts until the files check again.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadOrCreateDevKeys } from '@acme/auth';
import { DEFAULT_POLICIES_DIR, type RuleSet } from '@acme/rules';
import { eventually } from '@acme/testing';
import { loadLicensingConfig } from './config.js';
import { startLicensingService, type RunningLicensingService } from './licensing-service.js';
import { RulesMetrics, rulesHealth } from './rules-metrics.js';

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

/** The active-version series of a rule set loaded from the policies directory. */
const activeInfo = (version: string) =>
  new RegExp(
    `^licensing_rules_active_info\\{version="${version}",source="directory",bundle_version=""\\} (\\d+)$`,
    'm',
  );

/** The value of one series, as the metrics endpoint shows it. */
const series = async (line: RegExp) => {
  const match = line.exec(await service.registry.metrics());
  return match ? Number(match[1]) : null;
};

it('shows the active rule-set version, and a refused edit as drift until the files are back', async () => {
  const version = service.rulesVersion;
  expect(await series(activeInfo(version))).toBe(1);
  expect(await series(/^licensing_rules_drift (\d+)$/m)).toBe(0);

  const file = join(policies, 'who-may-act/manage-queues.rule.json');
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, '{ "id": ');
  await eventually(async () => (await series(/^licensing_rules_drift (\d+)$/m)) === 1, { what: 'the drift reported' });
  expect(await series(/^licensing_rules_reloads_total\{outcome="refused"\} (\d+)$/m)).toBe(1);
  expect(await series(activeInfo(version))).toBe(1);

  writeFileSync(file, original);
  await eventually(async () => (await series(/^licensing_rules_drift (\d+)$/m)) === 0, { what: 'the drift cleared' });
  expect(service.rulesVersion).toBe(version);
});

it('labels the active version with its source and bundle version, as the health details give them', async () => {
  const registry = new Registry();
  const rules = {
    current: () => ({ version: 'abc' }) as RuleSet,
    drift: () => 'def',
    source: () => ({ kind: 'bundle' as const, path: '/etc/rules/policies-r7.bundle.json', bundleVersion: 'r7' }),
    activeSince: () => new Date('2026-12-07T10:00:00Z'),
  };
  new RulesMetrics().register(registry, rules);
  const text = await registry.metrics();
  expect(text).toContain('licensing_rules_active_info{version="abc",source="bundle",bundle_version="r7"} 1');
  expect(text).toContain('licensing_rules_drift 1');
  expect(rulesHealth(rules)).toEqual({
    version: 'abc',
    source: 'bundle',
    bundleVersion: 'r7',
    path: '/etc/rules/policies-r7.bundle.json',
    drift: 'def',
    lastReloadAt: '2026-12-07T10:00:00.000Z',
  });
});
