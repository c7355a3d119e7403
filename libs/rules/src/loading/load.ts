import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuleSet } from '../engine/rule-set.js';
import { loadBundle } from './bundle.js';
import { loadPoliciesDirectory } from './gate.js';

/** The policies shipped with this lib. */
export const DEFAULT_POLICIES_DIR = fileURLToPath(new URL('../../policies', import.meta.url));

export type RuleSourceKind = 'directory' | 'bundle';

/** Where a rule set was loaded from: a policies directory, or a bundle file and its version label. */
export interface RuleSource {
  kind: RuleSourceKind;
  /** Absolute path of the directory or the bundle file. */
  path: string;
  /** The bundle's `manifest.version`; only for a bundle. */
  bundleVersion?: string;
}

/**
 * A policies directory or a bundle file (`npm run rules -- bundle`). A path alone is a bundle when
 * it is a file, or does not exist and ends in `.json`; otherwise a directory.
 */
export type RuleSourceInput = string | { kind: RuleSourceKind; path: string };

export interface LoadedRules {
  ruleSet: RuleSet;
  source: RuleSource;
  /** What was read, as the watcher compares it with the disk: the files' hash, or the bundle file's. */
  contentKey: string;
}

export function ruleSourceOf(input: RuleSourceInput): { kind: RuleSourceKind; path: string } {
  if (typeof input !== 'string') return input;
  let isFile: boolean;
  try {
    isFile = statSync(input).isFile();
  } catch {
    isFile = input.endsWith('.json');
  }
  return { kind: isFile ? 'bundle' : 'directory', path: input };
}

/**
 * Loads a directory or a bundle through the one gate (`verifyPolicies`: every check, every case,
 * each point's example facts decided); a bundle's manifest is verified first. Throws RuleSetError
 * listing every problem and every failing case.
 */
export async function loadRules(input: RuleSourceInput = DEFAULT_POLICIES_DIR): Promise<LoadedRules> {
  const { kind, path } = ruleSourceOf(input);
  if (kind === 'bundle') {
    const { ruleSet, bundle, fileHash } = await loadBundle(path);
    return {
      ruleSet,
      source: { kind, path: resolve(path), bundleVersion: bundle.manifest.version },
      contentKey: fileHash,
    };
  }
  const ruleSet = await loadPoliciesDirectory(path);
  return { ruleSet, source: { kind, path: resolve(path) }, contentKey: ruleSet.version };
}

/**
 * Reads, checks (as `rules check` does), runs the cases and decides the example facts (as `rules
 * test` does), and only then gives the rule set; throws RuleSetError listing every problem and
 * every failing case. The service loads and reloads rules through here, from a directory or a
 * bundle file.
 */
export async function loadRuleSet(input: RuleSourceInput = DEFAULT_POLICIES_DIR): Promise<RuleSet> {
  return (await loadRules(input)).ruleSet;
}
