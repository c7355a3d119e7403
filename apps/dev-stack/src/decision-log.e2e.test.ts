/**
 * The decision log and the impact of a rule edit, as an administrator and a policy author meet
 * them, over the socket: the service logs every decision of the calls (allowed and refused), an
 * administrator reads them beside the audit entries of the same request, and
 * `npm run rules -- impact` replays them against edited policies (a retention window of 14 days
 * instead of 7), naming exactly the decisions that would change and failing until a case states
 * the new behaviour.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicensingService, type PolicyDecision } from '@acme/contracts';
import { createClient, decodeGrpcError, GrpcStatus, type PromiseClient } from '@acme/grpc';
import { DEFAULT_POLICIES_DIR } from '@acme/rules';
import { startTestStack, type TestStack } from '../test/test-stack.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ACCOUNT = 'acct_demo_goto';
const AGENT = 'usr_demo_goto_agent';
const CONNECT = 'goto_connect_standard';

let demo: TestStack;
let dir: string;
let admin: PromiseClient<(typeof LicensingService)['method']>;
let agent: PromiseClient<(typeof LicensingService)['method']>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'decision-log-'));
  demo = await startTestStack('decision-log', { env: { SQLITE_PATH: join(dir, 'licensing.db') } });
  admin = createClient(LicensingService, demo.stack.address, { token: demo.stack.token });
  agent = createClient(LicensingService, demo.stack.address, {
    token: await demo.sign({ subject: AGENT, accountId: ACCOUNT }),
  });
});

afterAll(async () => {
  admin?.close();
  agent?.close();
  await demo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The account's decisions once `count` are written (the log is written a moment after each call). */
async function decisionsOnceWritten(count: number): Promise<PolicyDecision[]> {
  for (;;) {
    const { decisions } = await admin.listDecisions({ pageSize: 500 });
    if (decisions.length >= count) return decisions;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `npm run rules -- impact <policies> --account acct_demo_goto` against the stack's database. */
const impact = (policies: string) =>
  spawnSync(
    join(root, 'node_modules/.bin/tsx'),
    ['tools/dev-cli/src/rules.ts', 'impact', policies, '--account', ACCOUNT, '--since', '1d'],
    { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, SQLITE_PATH: join(dir, 'licensing.db') } },
  );

describe('decision log and the impact of an edit', () => {
  let connectRemoval: PolicyDecision;

  it('logs every decision, allowed and refused, beside the audit of the same request', async () => {
    await admin.updatePhoneConfiguration({ userId: AGENT, extension: '21' });
    await admin.unassignLicenses({ userId: AGENT, productIds: [CONNECT] });
    const refused = decodeGrpcError(
      await agent.assignLicenses({ userId: AGENT, products: [{ productId: 'goto_meeting' }] }).catch((e) => e),
    );
    expect(refused.code).toBe(GrpcStatus.PERMISSION_DENIED);
    // Three calls, two decisions each but the refused one (who may act said no first).
    const decisions = await decisionsOnceWritten(5);
    const unassign = decisions.filter((d) => d.decisionPoint === 'unassign');
    expect(unassign.map((d) => [d.stage, d.allowed]).sort()).toEqual([
      ['rules', true],
      ['who_may_act', true],
    ]);
    connectRemoval = unassign.find((d) => d.stage === 'rules')!;
    expect(connectRemoval.effects.map((e) => [e.ruleId, e.type])).toContainEqual([
      'retention.retain-phone-configuration',
      'configuration_retained',
    ]);
    expect(connectRemoval.facts).toMatchObject({ user: { id: AGENT, hasPhoneConfiguration: true } });
    const denied = decisions.find((d) => !d.allowed)!;
    expect(denied).toMatchObject({ decisionPoint: 'assign', stage: 'who_may_act', actor: AGENT });
    expect(denied.violations.map((v) => v.ruleId)).toEqual(['who-may-act.assign-and-unassign']);
    // The audit entries of the removal carry its request id: the decisions are found from them.
    const audit = await admin.listAuditEvents({ causationId: connectRemoval.requestId });
    expect(audit.events.map((e) => e.action)).toContain('license.unassigned');
    const byRequest = await admin.listDecisions({ requestId: audit.events[0]!.causationId });
    expect(byRequest.decisions.map((d) => d.id).sort()).toEqual(unassign.map((d) => d.id).sort());
    // Not for a member.
    expect(decodeGrpcError(await agent.listDecisions({}).catch((e) => e)).code).toBe(GrpcStatus.PERMISSION_DENIED);
  });

  it('names the decisions a longer retention window changes, and passes once a case states it', () => {
    const edited = mkdtempSync(join(tmpdir(), 'policies-'));
    cpSync(DEFAULT_POLICIES_DIR, edited, { recursive: true });
    const retention = join(edited, 'data/retention.json');
    writeFileSync(retention, JSON.stringify({ ...JSON.parse(readFileSync(retention, 'utf8')), days: 14 }));
    try {
      const before = impact(edited);
      expect(before.status, before.stderr).toBe(1);
      expect(before.stdout).toMatch(/retention\.retain-phone-configuration.*1 decision\(s\) at unassign.*NOT COVERED/);
      expect(before.stdout).toContain(connectRemoval.id);
      // Exactly that one: no other rule, no other decision.
      expect(before.stdout.match(/dec_[a-z0-9]{26}/g)).toEqual([connectRemoval.id]);
      expect(before.stdout).toMatch(/1 would change: 0 allowed -> denied, 0 denied -> allowed/);

      const cases = join(edited, 'retention/retain-phone-configuration.cases.json');
      writeFileSync(
        cases,
        readFileSync(cases, 'utf8')
          .replaceAll('kept for 7 days', 'kept for 14 days')
          .replace(/"days": 7\b/g, '"days": 14'),
      );
      const after = impact(edited);
      expect(after.stdout).toContain('covered by a case');
      expect(after.status, after.stdout).toBe(0);
    } finally {
      rmSync(edited, { recursive: true, force: true });
    }
  });
});
