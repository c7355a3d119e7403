import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DECISION_POINTS, DEFAULT_POLICIES_DIR, loadRuleSet } from '@acme/rules';
import { openDatabase } from '@acme/licensing-data-access';
import { createTestPostgres } from '@acme/testing';
import { busyShare, busyTimeByFile } from '../lib/cpu-profile.js';
import { startLicensingProcess } from '../lib/licensing-process.js';
import { runLoad } from '../lib/load-process.js';
import { seedBenchAccounts } from '../lib/seed.js';
import { median, percentile, spread } from '../lib/stats.js';
import { table, verdict, type BenchmarkSection } from '../lib/report.js';

const RUN_MS = 1_500;
/** Files of the rules engine: our rules lib and json-rules-engine with what it pulls in. */
const RULES_CODE = /libs\/rules\/|node_modules\/(json-rules-engine|jsonpath-plus|clone|hash-it|eventemitter2)\//;

/**
 * Target 3: decisions per second and p50/p99 of `decide` per decision point with every rule
 * family loaded; and the decision's share of the CPU of the RPC that asks it (AssignLicenses,
 * from a CPU profile of the service under load) under 10%.
 */
export async function rulesBenchmark(runs: number): Promise<BenchmarkSection> {
  const ruleSet = await loadRuleSet(DEFAULT_POLICIES_DIR);
  const examples = join(DEFAULT_POLICIES_DIR, 'examples');
  const rows: (string | number)[][] = [];
  for (const point of DECISION_POINTS) {
    const facts = JSON.parse(readFileSync(join(examples, `${point}.json`), 'utf8')) as Record<string, unknown>;
    for (let i = 0; i < 300; i++) await ruleSet.decide(point, facts); // warm-up (JIT)
    const rates: number[] = [];
    const latencies: number[] = [];
    for (let run = 0; run < runs; run++) {
      const until = performance.now() + RUN_MS;
      let count = 0;
      const started = performance.now();
      while (performance.now() < until) {
        const t = performance.now();
        await ruleSet.decide(point, facts);
        latencies.push((performance.now() - t) * 1000);
        count++;
      }
      rates.push(count / ((performance.now() - started) / 1000));
    }
    const rules = ruleSet.rules.filter((r) => r.decisionPoints.includes(point)).length;
    rows.push([
      point,
      rules,
      Math.round(median(rates)),
      spread(rates).text,
      Math.round(percentile(latencies, 50)),
      Math.round(percentile(latencies, 99)),
    ]);
  }

  const share = await assignProfileShare();
  return {
    id: 'rules',
    title: '3. Rules: decisions per decision point, and their share of an RPC',
    command: `npm run bench -- rules --runs ${runs}`,
    body: [
      `All ${ruleSet.rules.length} rules of libs/rules/policies loaded; each decision point decides its ` +
        `example facts (policies/examples/<point>.json) sequentially for ${RUN_MS} ms per run after a ` +
        `warm-up, ${runs} runs; one core.`,
      '',
      table(['decision point', 'rules', 'decisions/s (median)', 'spread', 'p50 us', 'p99 us'], rows),
      '',
      `Share of the licensing service's busy CPU spent in the rules engine (libs/rules, json-rules-engine, ` +
        `jsonpath-plus, clone, hash-it, eventemitter2) while serving AssignLicenses (8 callers, 1,000 ` +
        `accounts, CPU profile of the service process): ${(share * 100).toFixed(1)}%.`,
      '',
      verdict(share < 0.1, `the assign decision takes ${(share * 100).toFixed(1)}% of the RPC's CPU (target < 10%)`),
    ].join('\n'),
  };
}

/** Profiles the service under AssignLicenses load and returns the rules engine's share of busy CPU. */
async function assignProfileShare(): Promise<number> {
  const database = await createTestPostgres('bench_rules');
  const profileDir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  try {
    const db = await openDatabase({ databaseUrl: database.url });
    await db.migrate();
    await db.close();
    await seedBenchAccounts(database.url, { accounts: 1000, usersPerAccount: 100, seats: 1_000_000 });
    const service = await startLicensingProcess(
      { DATABASE_URL: database.url },
      { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] },
    );
    const tokens: Record<string, string> = {};
    for (let a = 0; a < 1000; a++)
      tokens[`acct_b${a}`] = await service.token({ subject: `usr_b${a}_admin`, accountId: `acct_b${a}` });
    const tokensFile = join(profileDir, 'tokens.json');
    writeFileSync(tokensFile, JSON.stringify(tokens));
    await runLoad('assign-load.ts', {
      CLIENTS: '8',
      SECONDS: '10',
      ACCOUNTS: '1000',
      USERS: '100',
      OFFSET: '0',
      ADDRESS: service.address,
      TOKENS_FILE: tokensFile,
    });
    await service.stop(); // the profile is written on exit
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('the service wrote no CPU profile');
    return busyShare(busyTimeByFile(join(profileDir, file)), RULES_CODE);
  } finally {
    await database.drop();
  }
}
