/**
 * A running service refuses rules whose own cases fail, from a bundle (RULES_BUNDLE) or from an edit
 * of its policies directory (RULES_DIR), while the previous set keeps deciding real calls; `/health`
 * and the metrics go on reporting the active version, and the refused one as drift, until good
 * rules arrive. Every wait polls for the outcome with a generous timeout.
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicensingService } from '@acme/contracts';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import { createClient, decodeGrpcError, GrpcStatus, type PromiseClient } from '@acme/grpc';
import { contentVersion, DEFAULT_POLICIES_DIR, readPolicies, writeBundle, type Bundle } from '@acme/rules';
import { eventually } from '@acme/testing';
import { loadLicensingConfig } from './config.js';
import { startLicensingService } from './licensing-service.js';
import type { RulesHealth } from './rules-metrics.js';

const ASSIGN_RULE = 'who-may-act/assign-and-unassign.rule.json';
const REDUCE_RULE = 'who-may-act/reduce-seats.rule.json';

type Json = Record<string, unknown>;
const editJson = (dir: string, file: string, change: (json: Json) => void) => {
  const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json;
  change(json);
  writeFileSync(join(dir, file), JSON.stringify(json, null, 2));
};
/**
 * `actor.kind equal "usr"` instead of "user": the rule still checks, but no user caller is ever
 * refused by it any more, so its own cases ("a member without manage_users may not assign") fail.
 */
const setAssignKind = (dir: string, kind: string) =>
  editJson(
    dir,
    ASSIGN_RULE,
    (r) =>
      void ((r.rule as { conditions: { any: { all: { value: unknown }[] }[] } }).conditions.any[0]!.all[0]!.value =
        kind),
  );

/** A bundle of `dir` as it is, without the builder's gate (which refuses failing cases): a consistent manifest. */
function bundleByHand(dir: string, version: string): Bundle {
  const { contents, rules } = readPolicies(dir);
  return {
    manifest: {
      format: 1,
      version,
      contentHash: contentVersion(contents),
      createdAt: new Date().toISOString(),
      rules: rules.map((r) => r.id).sort(),
      files: contents.length,
    },
    files: Object.fromEntries(contents.map(({ file, text }) => [file, text])),
  };
}

/** Replaces a bundle as a deployment does: a new file renamed over the old one. */
function replace(path: string, text: string): void {
  writeFileSync(`${path}.next`, text);
  renameSync(`${path}.next`, path);
}

/** A licensing service on its own SQLite file with the demo accounts, its metrics port open, and clients of it. */
async function startService(dir: string, rules: { RULES_DIR: string } | { RULES_BUNDLE: string }) {
  const keys = await loadOrCreateDevKeys(join(dir, 'keys.json'));
  const service = await startLicensingService({
    config: loadLicensingConfig({
      GRPC_PORT: '0',
      METRICS_PORT: '0',
      SQLITE_PATH: join(dir, 'licensing.db'),
      SEED_DEMO: 'true',
      LOG_LEVEL: 'silent',
      ...rules,
    }),
    logger: pino({ level: 'silent' }),
    jwks: keys.publicJwks,
  });
  const token = (subject: string) =>
    signToken(keys.privateJwk, { subject, accountId: 'acct_demo_goto', issuer: 'acme-dev', audience: 'licensing' });
  const client: PromiseClient<(typeof LicensingService)['method']> = createClient(LicensingService, service.address, {
    token: await token('usr_demo_goto_admin'),
  });
  const memberToken = await token('usr_demo_goto_agent');
  const health = async () => {
    const answer = await fetch(`http://127.0.0.1:${service.metricsPort}/health`);
    expect(answer.status).toBe(200);
    return (await answer.json()) as { status: string; rules: RulesHealth };
  };
  const series = async (pattern: string) => {
    const match = new RegExp(`^${pattern} (\\d+)$`, 'm').exec(await service.registry.metrics());
    return match ? Number(match[1]) : null;
  };
  return {
    service,
    health,
    series,
    /** An admin assigns a product to a user: allowed by the shipped rules; the decision's rule-set version. */
    async adminAssigns(userId: string, productId: string) {
      const response = await client.assignLicenses({ userId, products: [{ productId }] });
      return response.decision?.ruleSetVersion;
    },
    /** A member (no manage_users) assigns: refused by who-may-act.assign-and-unassign, unless that rule is broken. */
    async memberAssigns() {
      const error = await client
        .assignLicenses(
          { userId: 'usr_demo_goto_agent', products: [{ productId: 'goto_meeting' }] },
          { token: memberToken },
        )
        .then(
          () => null,
          (e: Parameters<typeof decodeGrpcError>[0]) => decodeGrpcError(e),
        );
      return (
        error && {
          code: error.code,
          reason: error.errorInfo?.reason,
          rules: error.preconditionFailure?.violations.map((v) => v.type),
        }
      );
    },
    async stop() {
      client.close();
      await service.stop();
    },
  };
}

const MEMBER_REFUSED = {
  code: GrpcStatus.PERMISSION_DENIED,
  reason: 'POLICY_DENIED',
  rules: ['who-may-act.assign-and-unassign'],
};

describe('a service on a rules bundle (RULES_BUNDLE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rules-bundle-service-'));
  const policies = join(dir, 'policies');
  const bundlePath = join(dir, 'policies.bundle.json');
  let running: Awaited<ReturnType<typeof startService>>;
  let first: Bundle;

  beforeAll(async () => {
    cpSync(DEFAULT_POLICIES_DIR, policies, { recursive: true });
    first = (await writeBundle(policies, { out: bundlePath, version: 'r1' })).bundle;
    running = await startService(dir, { RULES_BUNDLE: bundlePath });
  });
  afterAll(async () => {
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bundle whose own cases fail while r1 keeps deciding, reports it as drift, then takes a good bundle', async () => {
    const r1 = first.manifest.contentHash;
    expect(running.service.rulesVersion).toBe(r1);
    const started = await running.health();
    expect(started).toEqual({
      status: 'SERVING',
      rules: {
        version: r1,
        source: 'bundle',
        bundleVersion: 'r1',
        path: bundlePath,
        drift: null,
        lastReloadAt: expect.any(String),
      },
    });
    expect(
      await running.series(`licensing_rules_active_info\\{version="${r1}",source="bundle",bundle_version="r1"\\}`),
    ).toBe(1);
    expect(await running.memberAssigns()).toEqual(MEMBER_REFUSED);

    setAssignKind(policies, 'usr');
    const bad = bundleByHand(policies, 'r2-bad');
    replace(bundlePath, JSON.stringify(bad));
    await eventually(async () => (await running.health()).rules.drift !== null, {
      what: 'the refused bundle reported',
    });

    // Refused: r1 still decides real calls. The broken rule would have let the member assign.
    const refused = await running.health();
    expect(refused.rules).toEqual({ ...started.rules, drift: bad.manifest.contentHash });
    expect(refused.status).toBe('SERVING');
    expect(running.service.rulesVersion).toBe(r1);
    expect(await running.memberAssigns()).toEqual(MEMBER_REFUSED);
    expect(await running.adminAssigns('usr_demo_goto_agent', 'goto_meeting')).toBe(r1);
    expect(
      await running.series(`licensing_rules_active_info\\{version="${r1}",source="bundle",bundle_version="r1"\\}`),
    ).toBe(1);
    expect(await running.series('licensing_rules_drift')).toBe(1);
    expect(await running.series('licensing_rules_reloads_total\\{outcome="refused"\\}')).toBe(1);
    expect(await running.series('licensing_rules_reloads_total\\{outcome="applied"\\}')).toBe(0);

    // A good bundle (the rule repaired, another edited): it becomes active, the drift clears.
    setAssignKind(policies, 'user');
    editJson(policies, REDUCE_RULE, (r) => void (r.owner = 'someone-else@acme.dev'));
    const good = (await writeBundle(policies, { out: join(dir, 'staging.json'), version: 'r3' })).bundle;
    replace(bundlePath, readFileSync(join(dir, 'staging.json'), 'utf8'));
    const r3 = good.manifest.contentHash;
    await eventually(() => running.service.rulesVersion === r3, { what: 'the good bundle active' });
    const switched = await running.health();
    expect(switched.rules).toMatchObject({ version: r3, source: 'bundle', bundleVersion: 'r3', drift: null });
    expect(Date.parse(switched.rules.lastReloadAt)).toBeGreaterThanOrEqual(Date.parse(started.rules.lastReloadAt));
    expect(
      await running.series(`licensing_rules_active_info\\{version="${r3}",source="bundle",bundle_version="r3"\\}`),
    ).toBe(1);
    expect(await running.series('licensing_rules_drift')).toBe(0);
    expect(await running.series('licensing_rules_reloads_total\\{outcome="applied"\\}')).toBe(1);
    expect(await running.adminAssigns('usr_demo_goto_manager', 'goto_connect_standard')).toBe(r3);
  });
});

describe('a service on a policies directory (RULES_DIR)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rules-dir-service-'));
  const policies = join(dir, 'policies');
  let running: Awaited<ReturnType<typeof startService>>;

  beforeAll(async () => {
    cpSync(DEFAULT_POLICIES_DIR, policies, { recursive: true });
    running = await startService(dir, { RULES_DIR: policies });
  });
  afterAll(async () => {
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an edit whose own cases fail while the previous set keeps deciding, until the edit is repaired', async () => {
    const before = running.service.rulesVersion;
    expect((await running.health()).rules).toMatchObject({
      version: before,
      source: 'directory',
      bundleVersion: null,
      path: policies,
      drift: null,
    });
    expect(
      await running.series(`licensing_rules_active_info\\{version="${before}",source="directory",bundle_version=""\\}`),
    ).toBe(1);

    setAssignKind(policies, 'usr');
    const refused = contentVersion(readPolicies(policies).contents);
    await eventually(async () => (await running.health()).rules.drift === refused, {
      what: 'the refused edit reported',
    });
    expect((await running.health()).rules).toMatchObject({ version: before, drift: refused });
    expect(running.service.rulesVersion).toBe(before);
    expect(await running.memberAssigns()).toEqual(MEMBER_REFUSED);
    expect(await running.adminAssigns('usr_demo_goto_agent', 'goto_meeting')).toBe(before);
    expect(await running.series('licensing_rules_drift')).toBe(1);

    setAssignKind(policies, 'user');
    await eventually(async () => (await running.health()).rules.drift === null, { what: 'the drift cleared' });
    expect(await running.memberAssigns()).toEqual(MEMBER_REFUSED);
  });
});
