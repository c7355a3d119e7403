/**
 * Bundles: one versioned file with a manifest, the content hash and every policy file. The builder
 * writes one only from policies that pass the reload gate; the loader verifies the manifest, then
 * runs the same gate on the unpacked files; the watcher follows a bundle replaced by rename and
 * keeps the previous set deciding when the new one is refused. Every wait polls for the outcome
 * with a generous timeout (test-support `until`).
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeFacts, runCases } from '../authoring/cases.js';
import { readPolicies, readPolicyContents } from '../authoring/checker.js';
import { formatProblem, RuleSetError } from '../engine/rule-file.js';
import { contentVersion, type RuleSet } from '../engine/rule-set.js';
import { copyPolicies, until } from '../../test/test-support.js';
import { BundleRefusedError, readBundle, writeBundle, type Bundle } from './bundle.js';
import { loadRules, loadRuleSet } from './load.js';
import { RuleDriftError, watchRules, type RuleWatcher } from './watch.js';

const copies: ReturnType<typeof copyPolicies>[] = [];
const dirs: string[] = [];
let watcher: RuleWatcher | undefined;
afterEach(() => {
  watcher?.close();
  watcher = undefined;
  for (const copy of copies.splice(0)) copy.remove();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const policies = () => {
  const copy = copyPolicies();
  copies.push(copy);
  return copy;
};
const outDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundles-'));
  dirs.push(dir);
  return dir;
};

const ASSIGN_RULE = 'who-may-act/assign-and-unassign.rule.json';
/** A typo the schema cannot know (`actor.kind equal "usr"`): it checks, but its own cases fail. */
const breakAssignCases = (copy: ReturnType<typeof copyPolicies>) =>
  copy.edit(
    ASSIGN_RULE,
    (r) =>
      void ((r.rule as { conditions: { any: { all: { value: unknown }[] }[] } }).conditions.any[0]!.all[0]!.value =
        'usr'),
  );
const FAILING_ASSIGN_CASE =
  'who-may-act/assign-and-unassign.cases.json: /cases/0: case "a member without manage_users may not assign" fails: ' +
  'expected the rule to fire, it did not';

/** A bundle of `dir` as it is, without the builder's gate: how a bundle whose cases fail can exist at all. */
function bundleByHand(dir: string, version: string): Bundle {
  const contents = readPolicyContents(dir);
  return {
    manifest: {
      format: 1,
      version,
      contentHash: contentVersion(contents),
      createdAt: '2026-12-07T00:00:00.000Z',
      rules: readPolicies(dir)
        .rules.map((r) => r.id)
        .sort(),
      files: contents.length,
    },
    files: Object.fromEntries(contents.map(({ file, text }) => [file, text])),
  };
}

/** Replaces a file as deployments do: a new file renamed over the old one. */
function replace(path: string, bundle: Bundle | string): void {
  writeFileSync(`${path}.next`, typeof bundle === 'string' ? bundle : JSON.stringify(bundle));
  renameSync(`${path}.next`, path);
}

const memberAssigns = (dir: string) =>
  mergeFacts(readPolicies(dir).examples.get('assign'), { actor: { roles: ['member'] } }) as Record<string, unknown>;

const refusal = async (load: Promise<unknown>): Promise<RuleSetError> => {
  const error = await load.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RuleSetError);
  return error as RuleSetError;
};

describe('rule bundles', () => {
  it('round trip: the bundle holds every policy file, and its content hash is the version the loaded set reports', async () => {
    const copy = policies();
    const out = join(outDir(), 'policies-r1.bundle.json');
    const { path, bundle } = await writeBundle(copy.dir, {
      out,
      version: 'r1',
      now: new Date('2026-12-07T10:00:00Z'),
    });
    expect(path).toBe(out);
    const fromDir = await loadRuleSet(copy.dir);
    const contents = readPolicyContents(copy.dir);
    expect(readBundle(out)).toEqual(bundle);
    expect(bundle.manifest).toEqual({
      format: 1,
      version: 'r1',
      contentHash: fromDir.version,
      createdAt: '2026-12-07T10:00:00.000Z',
      rules: fromDir.rules.map((r) => r.id).sort(),
      files: contents.length,
    });
    expect(bundle.files).toEqual(Object.fromEntries(contents.map(({ file, text }) => [file, text])));
    // Rules, cases, data and examples alike.
    for (const kind of ['.rule.json', '.cases.json', 'data/', 'examples/'])
      expect(Object.keys(bundle.files).some((f) => f.includes(kind))).toBe(true);

    const loaded = await loadRules(out);
    expect(loaded.ruleSet.version).toBe(bundle.manifest.contentHash);
    expect(loaded.source).toEqual({ kind: 'bundle', path: out, bundleVersion: 'r1' });
    expect((await loadRules(copy.dir)).source).toEqual({ kind: 'directory', path: copy.dir });
    const decision = await loaded.ruleSet.decide('assign', memberAssigns(copy.dir));
    expect(decision.violations.map((v) => v.ruleId)).toEqual(['who-may-act.assign-and-unassign']);
    expect(decision.ruleSetVersion).toBe(bundle.manifest.contentHash);

    // Without --version the label is the content hash.
    const unlabelled = await writeBundle(copy.dir, { out: join(outDir(), 'b.json') });
    expect(unlabelled.bundle.manifest.version).toBe(fromDir.version);
  });

  it('refuses a tampered bundle, naming the content hash, and a manifest or path that does not hold', async () => {
    const copy = policies();
    const out = join(outDir(), 'policies.bundle.json');
    const { bundle } = await writeBundle(copy.dir, { out, version: 'r1' });

    const tampered = structuredClone(bundle);
    tampered.files['data/retention.json'] = JSON.stringify({
      ...JSON.parse(tampered.files['data/retention.json']!),
      days: 30,
    });
    replace(out, tampered);
    const actual = contentVersion(Object.entries(tampered.files).map(([file, text]) => ({ file, text })));
    expect((await refusal(loadRuleSet(out))).problems.map(formatProblem)).toEqual([
      `${out}: /manifest/contentHash: the files hash to ${actual}, not "${bundle.manifest.contentHash}": ` +
        'the bundle was changed after it was built',
    ]);

    const escaping = structuredClone(bundle);
    escaping.files['../escaped.json'] = '{}';
    escaping.manifest.files += 1;
    replace(out, escaping);
    expect((await refusal(loadRuleSet(out))).problems.map(formatProblem)).toEqual([
      `${out}: /files/..~1escaped.json: "../escaped.json" is not a plain relative path of a .json policy file`,
    ]);

    replace(out, { ...bundle, manifest: { ...bundle.manifest, format: 2 as 1 } });
    expect((await refusal(loadRuleSet(out))).message).toBe(
      `${out}: /manifest/format: format 2 is not one this service reads (1)`,
    );

    replace(out, { ...bundle, manifest: { ...bundle.manifest, rules: bundle.manifest.rules.slice(1) } });
    expect((await refusal(loadRuleSet(out))).problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${out}: /manifest/rules: lists .* but the files hold .*: the manifest was changed after the bundle was built$`,
        ),
      ),
    ]);

    replace(out, '{ "manifest": ');
    expect((await refusal(loadRuleSet(out))).message).toMatch(new RegExp(`^${out}: \\(root\\): invalid JSON: `));
    expect((await refusal(loadRuleSet(join(outDir(), 'missing.bundle.json')))).message).toMatch(
      /: \(root\): cannot read the bundle: ENOENT/,
    );
  });

  it('a bundle whose cases fail: the builder writes nothing, the loader refuses it; both name the failing case', async () => {
    const copy = policies();
    breakAssignCases(copy);
    const failing = (await runCases(copy.dir)).results.filter((r) => !r.passed);
    expect(failing.map((r) => r.name)).toContain('a member without manage_users may not assign');

    const out = join(outDir(), 'policies-bad.bundle.json');
    const error = await refusal(writeBundle(copy.dir, { out, version: 'bad' }));
    expect(error).toBeInstanceOf(BundleRefusedError);
    expect(error.problems.map(formatProblem)).toHaveLength(failing.length);
    expect(error.problems.map(formatProblem)[0]).toContain(FAILING_ASSIGN_CASE);
    expect(error.message.split('\n').at(-1)).toBe(`no bundle written: ${failing.length} problem(s)`);
    expect(existsSync(out)).toBe(false);

    // Built by hand (the manifest holds): the loader runs the same gate and names the same cases.
    writeFileSync(out, JSON.stringify(bundleByHand(copy.dir, 'bad')));
    const refused = await refusal(loadRuleSet(out));
    expect(refused.problems).toEqual(error.problems);
  });

  it('the watcher switches to a replaced good bundle and keeps the previous set on a bad one, saying why', async () => {
    const copy = policies();
    const dir = outDir();
    const path = join(dir, 'policies.bundle.json');
    const first = (await writeBundle(copy.dir, { out: path, version: 'r1' })).bundle;
    const errors: RuleSetError[] = [];
    const reloads: RuleSet[] = [];
    // No poll: the events of the bundle's directory alone carry every step.
    watcher = await watchRules(path, {
      onError: (e) => errors.push(e),
      onReload: (r) => reloads.push(r),
      debounceMs: 20,
      pollMs: 0,
    });
    expect(watcher.current().version).toBe(first.manifest.contentHash);
    expect(watcher.source()).toEqual({ kind: 'bundle', path, bundleVersion: 'r1' });
    expect(watcher.drift()).toBeNull();
    const firstSince = watcher.activeSince();

    const REDUCE = 'who-may-act/reduce-seats.rule.json';
    copy.edit(REDUCE, (r) => void (r.owner = 'someone-else@acme.dev'));
    const second = (await writeBundle(copy.dir, { out: join(dir, 'staging.json'), version: 'r2' })).bundle;
    replace(path, readFileSync(join(dir, 'staging.json'), 'utf8'));
    const switched = await until(() => reloads[0]);
    expect(switched.version).toBe(second.manifest.contentHash);
    expect(switched.rules.find((r) => r.id === 'who-may-act.reduce-seats')?.owner).toBe('someone-else@acme.dev');
    expect(watcher.source()).toEqual({ kind: 'bundle', path, bundleVersion: 'r2' });
    expect(watcher.activeSince().getTime()).toBeGreaterThanOrEqual(firstSince.getTime());

    // Its own cases fail: refused, with the failing case and the drift; r2 keeps deciding.
    breakAssignCases(copy);
    const bad = bundleByHand(copy.dir, 'r3-bad');
    replace(path, bad);
    const error = await until(() => errors[0]);
    expect(error).toBeInstanceOf(RuleDriftError);
    expect(error.problems.map(formatProblem)[0]).toContain(FAILING_ASSIGN_CASE);
    expect((error as RuleDriftError).diskVersion).toBe(bad.manifest.contentHash);
    expect(error.message.split('\n').at(-1)).toBe(
      `drift: the bundle on disk (${path}, version ${bad.manifest.contentHash}) is refused; the active rule set ` +
        `(version ${second.manifest.contentHash}) keeps deciding until a bundle that checks replaces it`,
    );
    expect(watcher.drift()).toBe(bad.manifest.contentHash);
    expect(watcher.current()).toBe(switched);
    expect(watcher.source().bundleVersion).toBe('r2');
    expect((await watcher.current().decide('assign', memberAssigns(copy.dir))).allowed).toBe(false);

    // A tampered one is refused too, saying why.
    replace(path, { ...second, files: { ...second.files, 'data/retention.json': '{"days": 1, "productIds": []}' } });
    const tampered = await until(() => errors[1]);
    expect(tampered.problems.map(formatProblem)).toEqual([
      expect.stringContaining(`${path}: /manifest/contentHash: the files hash to `),
    ]);
    expect(watcher.current()).toBe(switched);

    // A good bundle again: it becomes active and the drift clears.
    copy.edit(ASSIGN_RULE, (r) => {
      (r.rule as { conditions: { any: { all: { value: unknown }[] }[] } }).conditions.any[0]!.all[0]!.value = 'user';
    });
    copy.edit(REDUCE, (r) => void (r.owner = 'a-third@acme.dev'));
    const fourth = (await writeBundle(copy.dir, { out: join(dir, 'staging.json'), version: 'r4' })).bundle;
    replace(path, readFileSync(join(dir, 'staging.json'), 'utf8'));
    const fixed = await until(() => reloads[1]);
    expect(fixed.version).toBe(fourth.manifest.contentHash);
    expect(watcher.drift()).toBeNull();
    expect(watcher.source().bundleVersion).toBe('r4');
    expect(errors).toHaveLength(2);
  });
}, 120_000);
