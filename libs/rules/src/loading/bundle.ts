/**
 * Versioned bundles of the policies: one JSON file that ships a whole policies tree (every rule,
 * cases, data and examples file) as a unit.
 *
 *   { "manifest": { "format": 1, "version": "<label>", "contentHash": "<hash>", "createdAt": "<ISO>",
 *                   "rules": ["<rule id>", ...], "files": <count> },
 *     "files": { "<relative path>": "<file text>", ... } }
 *
 * `contentHash` is the rule set's own version (`contentVersion`: sha256 over the sorted paths and
 * texts), so the version a service reports is the hash of the bundle it loaded. The builder writes
 * a bundle only from policies that pass the reload gate; a reader accepts one only when its
 * manifest holds (a known format, plain relative `*.json` paths, files that hash to `contentHash`
 * and number `files`), after which it is unpacked into a private temporary directory and passes
 * exactly the gate a directory passes (every check, every case, each point's example facts), and
 * its rules are the manifest's. The hash finds a bundle changed after it was built; it is no
 * signature: whoever can write the bundle can write a matching hash.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { readPolicyContents } from '../authoring/checker.js';
import { contentVersion, type RuleSet } from '../engine/rule-set.js';
import { RuleSetError, type RuleProblem } from '../engine/rule-file.js';
import { loadPoliciesDirectory } from './gate.js';

/** The bundle format this code writes and reads. */
export const BUNDLE_FORMAT = 1;

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  /** A label for people (a release, a date); the content hash unless given. */
  version: string;
  /** The rule set's version: the hash of every file's path and text. */
  contentHash: string;
  createdAt: string;
  /** Every rule id, sorted. */
  rules: string[];
  /** How many files the bundle holds. */
  files: number;
}

export interface Bundle {
  manifest: BundleManifest;
  /** Every policy file by its path relative to the policies directory (`/`-separated). */
  files: Record<string, string>;
}

/** A bundle that passed the reload gate, with the rule set it gives. */
export interface LoadedBundle {
  bundle: Bundle;
  ruleSet: RuleSet;
  /** The hash of the bundle file's bytes as read: what the watcher compares with the file later. */
  fileHash: string;
}

/** The builder refused: nothing was written. The message lists every problem and says so. */
export class BundleRefusedError extends RuleSetError {
  constructor(problems: RuleProblem[]) {
    super(problems);
    this.name = 'BundleRefusedError';
    this.message += `\nno bundle written: ${problems.length} problem(s)`;
  }
}

const VERSION_LABEL = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
const VERSION_LABEL_RULE = '1 to 64 letters, digits, ".", "_", "+" or "-", starting with a letter or digit';

/**
 * Builds the bundle of a policies directory, refusing (BundleRefusedError, every problem and
 * failing case listed) unless it passes the gate the service loads through; the gate runs on the
 * bundle itself, unpacked, as a service would load it.
 */
export async function buildBundle(dir: string, options: { version?: string; now?: Date } = {}): Promise<Bundle> {
  let contents: { file: string; text: string }[];
  try {
    contents = readPolicyContents(dir);
  } catch (error) {
    throw new BundleRefusedError([
      { file: dir, path: '(root)', problem: `cannot read the policies directory: ${(error as Error).message}` },
    ]);
  }
  const contentHash = contentVersion(contents);
  const version = options.version ?? contentHash;
  if (!VERSION_LABEL.test(version))
    throw new BundleRefusedError([
      {
        file: dir,
        path: '(root)',
        problem: `bundle version ${JSON.stringify(version)}: expected ${VERSION_LABEL_RULE}`,
      },
    ]);
  const bundle: Bundle = {
    manifest: {
      format: BUNDLE_FORMAT,
      version,
      contentHash,
      createdAt: (options.now ?? new Date()).toISOString(),
      rules: [],
      files: contents.length,
    },
    files: Object.fromEntries(contents.map(({ file, text }) => [file, text])),
  };
  try {
    bundle.manifest.rules = ruleIds(await gateBundle(bundle, dir));
  } catch (error) {
    throw error instanceof RuleSetError ? new BundleRefusedError([...error.problems]) : error;
  }
  return bundle;
}

/**
 * `npm run rules -- bundle`: builds the bundle of `dir` and writes it to `out` (default
 * `policies-<version>.bundle.json`) by rename, so a watching service never reads half a file.
 */
export async function writeBundle(
  dir: string,
  options: { out?: string; version?: string; now?: Date } = {},
): Promise<{ path: string; bundle: Bundle }> {
  const bundle = await buildBundle(dir, options);
  const path = resolve(options.out ?? `policies-${bundle.manifest.version}.bundle.json`);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(bundle, null, 2)}\n`);
  renameSync(temporary, path);
  return { path, bundle };
}

/** Reads a bundle file and checks its manifest against its files (not the gate); throws RuleSetError saying why. */
export function readBundle(path: string): Bundle {
  return parseBundle(readBundleFile(path), path);
}

/**
 * Reads a bundle, checks its manifest, unpacks it into a private temporary directory (removed
 * before this returns) and loads it through the gate; throws RuleSetError listing every problem.
 */
export async function loadBundle(path: string): Promise<LoadedBundle> {
  const raw = readBundleFile(path);
  const bundle = parseBundle(raw, path);
  const ruleSet = await gateBundle(bundle, path);
  const ids = ruleIds(ruleSet);
  if (JSON.stringify(ids) !== JSON.stringify(bundle.manifest.rules))
    throw new RuleSetError([
      {
        file: path,
        path: '/manifest/rules',
        problem: `lists ${JSON.stringify(bundle.manifest.rules)} but the files hold ${JSON.stringify(ids)}: the manifest was changed after the bundle was built`,
      },
    ]);
  return { bundle, ruleSet, fileHash: hash(raw) };
}

/**
 * What is on disk at `path`, cheaply, for the watcher: `fileHash` changes with any byte of the
 * file; `version` is the rule-set version the bundle would give (its files' hash), or the file's
 * hash when it has no readable files, or "unreadable".
 */
export function bundleOnDisk(path: string): { fileHash: string; version: string } {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch {
    return { fileHash: 'unreadable', version: 'unreadable' };
  }
  const fileHash = hash(raw);
  try {
    const files = (JSON.parse(raw.toString('utf8')) as { files?: unknown }).files;
    const contents = isPlainObject(files) ? Object.entries(files).map(([file, text]) => ({ file, text })) : [];
    if (isPlainObject(files) && contents.every((c): c is { file: string; text: string } => typeof c.text === 'string'))
      return { fileHash, version: contentVersion(contents) };
  } catch {
    // Not JSON: the file's own hash names it.
  }
  return { fileHash, version: fileHash };
}

function readBundleFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new RuleSetError([
      { file: path, path: '(root)', problem: `cannot read the bundle: ${(error as Error).message}` },
    ]);
  }
}

const hash = (raw: Buffer) => createHash('sha256').update(raw).digest('hex').slice(0, 16);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const pointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/** A path that unpacks inside the directory and that the gate reads: relative, normalised, `*.json`. */
const isPlainPath = (file: string) =>
  file.endsWith('.json') &&
  !file.includes('\\') &&
  !file.includes('\0') &&
  posix.normalize(file) === file &&
  file.split('/').every((part) => part !== '' && part !== '.' && part !== '..');

/** The bundle in `raw`, when its manifest holds; otherwise RuleSetError with every problem. */
function parseBundle(raw: Buffer, path: string): Bundle {
  const problem = (at: string, text: string): RuleProblem => ({ file: path, path: at, problem: text });
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new RuleSetError([problem('(root)', `invalid JSON: ${(error as Error).message}`)]);
  }
  if (!isPlainObject(json) || !isPlainObject(json.manifest) || !isPlainObject(json.files))
    throw new RuleSetError([
      problem('(root)', 'not a rules bundle: expected {"manifest": {...}, "files": {...}} (npm run rules -- bundle)'),
    ]);
  const { manifest, files } = json;
  if (manifest.format !== BUNDLE_FORMAT)
    throw new RuleSetError([
      problem(
        '/manifest/format',
        `format ${JSON.stringify(manifest.format)} is not one this service reads (${BUNDLE_FORMAT})`,
      ),
    ]);
  const problems: RuleProblem[] = [];
  if (typeof manifest.version !== 'string' || !VERSION_LABEL.test(manifest.version))
    problems.push(
      problem('/manifest/version', `expected ${VERSION_LABEL_RULE}, got ${JSON.stringify(manifest.version)}`),
    );
  if (typeof manifest.createdAt !== 'string' || Number.isNaN(Date.parse(manifest.createdAt)))
    problems.push(
      problem('/manifest/createdAt', `expected a date and time, got ${JSON.stringify(manifest.createdAt)}`),
    );
  if (!Array.isArray(manifest.rules) || !manifest.rules.every((id) => typeof id === 'string'))
    problems.push(problem('/manifest/rules', 'expected the list of rule ids'));
  const contents: { file: string; text: string }[] = [];
  for (const [file, text] of Object.entries(files)) {
    if (typeof text !== 'string') problems.push(problem(`/files/${pointer(file)}`, "expected the file's text"));
    else if (!isPlainPath(file))
      problems.push(
        problem(
          `/files/${pointer(file)}`,
          `${JSON.stringify(file)} is not a plain relative path of a .json policy file`,
        ),
      );
    else contents.push({ file, text });
  }
  if (manifest.files !== Object.keys(files).length)
    problems.push(
      problem(
        '/manifest/files',
        `says ${JSON.stringify(manifest.files)} files, the bundle holds ${Object.keys(files).length}`,
      ),
    );
  const actual = contentVersion(contents);
  if (manifest.contentHash !== actual)
    problems.push(
      problem(
        '/manifest/contentHash',
        `the files hash to ${actual}, not ${JSON.stringify(manifest.contentHash)}: the bundle was changed after it was built`,
      ),
    );
  if (problems.length > 0) throw new RuleSetError(problems);
  return json as unknown as Bundle;
}

/**
 * Unpacks the bundle into a private temporary directory and loads it through the gate, exactly as a
 * directory is loaded; the directory is removed before this returns (the rule set keeps nothing of
 * it). A problem of the tree as a whole names `where` rather than the temporary directory.
 */
async function gateBundle(bundle: Bundle, where: string): Promise<RuleSet> {
  const dir = mkdtempSync(join(tmpdir(), 'rules-bundle-'));
  const named = (problems: readonly RuleProblem[]) => problems.map((p) => (p.file === dir ? { ...p, file: where } : p));
  try {
    for (const [file, text] of Object.entries(bundle.files)) {
      const target = join(dir, ...file.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    const ruleSet = await loadPoliciesDirectory(dir);
    // By construction the same hash (the same function over the same files); a difference would
    // mean the gate did not read what the manifest vouches for.
    if (ruleSet.version !== bundle.manifest.contentHash)
      throw new RuleSetError([
        {
          file: where,
          path: '/manifest/contentHash',
          problem: `the unpacked files hash to ${ruleSet.version}, not ${bundle.manifest.contentHash}`,
        },
      ]);
    return ruleSet;
  } catch (error) {
    if (error instanceof RuleSetError) throw new RuleSetError(named(error.problems));
    throw new RuleSetError([
      { file: where, path: '(root)', problem: `cannot unpack the bundle: ${(error as Error).message}` },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ruleIds = (ruleSet: RuleSet) => ruleSet.rules.map((rule) => rule.id).sort();
