/**
 * The checker: reads a policies directory and reports every problem of its files (readPolicies,
 * then checkRules), as authors run it (`npm run rules -- check`) and as the service loads rules.
 * Each kind of file has its own checks: check-rule-file.ts, check-data-and-examples.ts and
 * check-cases.ts; the rules taken together are analysed in analysis/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DECISION_POINTS, isDecisionPoint } from '../engine/decision-points.js';
import type { LoadedRule, RuleFile, RuleProblem } from '../engine/rule-file.js';
import { checkContradictions } from './analysis/contradictions.js';
import { checkReach } from './analysis/reach.js';
import { checkCases } from './check-cases.js';
import { checkData, checkFacts, paramsKey } from './check-data-and-examples.js';
import { checkParams, checkRule } from './check-rule-file.js';
import { checkFactUse } from './fact-use.js';

/** Everything read from a policies directory, and what is wrong with it. */
export interface PolicySources {
  rules: LoadedRule[];
  /** Data files by their name in `params` (data/seat-thresholds.json: seatThresholds). */
  params: Record<string, unknown>;
  /** Cases files: path -> parsed content. */
  cases: Map<string, unknown>;
  /** Example facts per decision point (examples/<point>.json). */
  examples: Map<string, Record<string, unknown>>;
  /** Every *.rule.json file found, valid or not. */
  ruleFiles: Set<string>;
  /** Every file's path and text, for the rule set version. */
  contents: { file: string; text: string }[];
  problems: RuleProblem[];
}

function listJsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...listJsonFiles(path));
    else if (entry.endsWith('.json')) out.push(path);
  }
  return out;
}

/**
 * Every policy file of a directory (`*.json`, recursively) with its text, in a stable order: what
 * the rule set's version hashes, and what the watcher compares with the active set.
 */
export function readPolicyContents(dir: string): { file: string; text: string }[] {
  return listJsonFiles(dir).map((path) => ({
    file: relative(dir, path).split(sep).join('/'),
    text: readFileSync(path, 'utf8'),
  }));
}

/** Reads and checks a policies directory without building engines. */
export function readPolicies(dir: string): PolicySources {
  const sources: PolicySources = {
    rules: [],
    params: {},
    cases: new Map(),
    examples: new Map(),
    ruleFiles: new Set(),
    contents: [],
    problems: [],
  };
  try {
    sources.contents = readPolicyContents(dir);
  } catch (error) {
    sources.problems.push({
      file: dir,
      path: '(root)',
      problem: `cannot read the policies directory: ${(error as Error).message}`,
    });
    return sources;
  }
  const seenIds = new Map<string, string>();
  for (const { file, text } of sources.contents) {
    if (file.endsWith('.rule.json')) sources.ruleFiles.add(file);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      sources.problems.push({ file, path: '(root)', problem: `invalid JSON: ${(error as Error).message}` });
      continue;
    }
    if (file.startsWith('data/')) {
      sources.params[paramsKey(file.slice(5, -5))] = json;
      sources.problems.push(...checkData(file, json));
    } else if (file.startsWith('examples/')) {
      const point = file.slice(9, -5);
      if (!isDecisionPoint(point))
        sources.problems.push({
          file,
          path: '(root)',
          problem: `examples must be named after a decision point, not "${point}"`,
        });
      else {
        sources.examples.set(point, json as Record<string, unknown>);
        sources.problems.push(...checkFacts(file, point, json, true));
      }
    } else if (file.endsWith('.cases.json')) sources.cases.set(file, json);
    else if (file.endsWith('.rule.json')) {
      const problems = checkRule(file, json, seenIds);
      sources.problems.push(...problems);
      if (problems.length === 0) sources.rules.push({ ...(json as RuleFile), file });
    } else {
      sources.problems.push({
        file,
        path: '(root)',
        problem:
          'unrecognised file: expected <family>/<name>.rule.json, <name>.cases.json, data/*.json or examples/<point>.json',
      });
    }
  }
  // Cases start from the example facts of their point, and reload decides them: each point needs one.
  for (const point of DECISION_POINTS) {
    if (!sources.examples.has(point) && !sources.problems.some((p) => p.file === `examples/${point}.json`)) {
      sources.problems.push({
        file: `examples/${point}.json`,
        path: '(root)',
        problem: `missing: every decision point needs its example facts`,
      });
    }
  }
  // Parameters are known once every data file is read.
  for (const rule of sources.rules)
    sources.problems.push(...checkParams(rule, sources.params), ...checkFactUse(rule, sources.params));
  return sources;
}

/**
 * The checker as authors use it and as the service loads rules: every problem of the rule, data,
 * example and cases files, and contradictory rules.
 */
export async function checkRules(dir: string): Promise<RuleProblem[]> {
  return checkSources(readPolicies(dir));
}

/** Every problem of sources already read: their own, the cases files' and those of the rules taken together. */
export async function checkSources(sources: PolicySources): Promise<RuleProblem[]> {
  return [...sources.problems, ...checkCases(sources).problems, ...(await checkAnalyses(sources))];
}

/**
 * The rules taken together (`analysis/`): contradictory rules, and decision points, effects and
 * warn or info rules that can never be reached (reach.ts; only when the files have no problem of
 * their own, since it decides the example facts).
 */
export async function checkAnalyses(sources: PolicySources): Promise<RuleProblem[]> {
  return [...(await checkContradictions(sources)), ...(await checkReach(sources))];
}
