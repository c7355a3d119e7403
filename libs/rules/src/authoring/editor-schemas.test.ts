/**
 * The schemas editors validate rule and cases files with (schema/*.json, generated from the
 * catalogue): committed as generated, accepting every shipped file, and refusing what an author
 * most often gets wrong while typing, as an editor would show it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICIES_DIR } from '../loading/load.js';
import { readPolicyContents } from './checker.js';
import { casesSchema } from './cases-schema.js';
import { editorSchemaFiles } from './editor-schemas.js';
import { ruleSchema } from './rule-schema.js';
import type { JsonSchema } from './schema-parts.js';

const RULES_DIR = fileURLToPath(new URL('../../', import.meta.url));
const REPO_ROOT = resolve(RULES_DIR, '../..');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as JsonSchema;

/** Ajv as strict as it goes, knowing VS Code's own keywords (texts only, they validate nothing). */
function editorAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  for (const keyword of ['enumDescriptions', 'errorMessage', 'patternErrorMessage']) ajv.addKeyword(keyword);
  return ajv;
}
const ajv = editorAjv();
const committed = {
  rule: readJson(join(RULES_DIR, 'schema/rule.schema.json')),
  cases: readJson(join(RULES_DIR, 'schema/cases.schema.json')),
};
const validateRule = ajv.compile(committed.rule);
const validateCases = ajv.compile(committed.cases);
const validateData = (name: string) => ajv.compile(readJson(join(RULES_DIR, `schema/data/${name}.schema.json`)));

/** Each error as `<instance path> <keyword>`, without the if/then and anyOf errors that only repeat them. */
const errorsOf = (validate: ValidateFunction, json: unknown): string[] =>
  validate(json)
    ? []
    : [
        ...new Set(
          (validate.errors ?? [])
            .filter((e) => !['if', 'anyOf', 'allOf'].includes(e.keyword))
            .map((e) => `${e.instancePath} ${e.keyword}`),
        ),
      ];

const shipped = readPolicyContents(DEFAULT_POLICIES_DIR).map(({ file, text }) => ({ file, json: JSON.parse(text) }));
const shippedRule = (file: string) => structuredClone(shipped.find((f) => f.file === file)!.json);

describe('editor schemas (schema/rule.schema.json, schema/cases.schema.json)', () => {
  it('are committed as the catalogue generates them now', async () => {
    for (const { file, path, text } of await editorSchemaFiles()) {
      const onDisk = existsSync(path) ? readFileSync(path, 'utf8') : '(missing)';
      expect(onDisk, `libs/rules/${file} is not what the catalogue gives: run npm run rules -- schemas`).toBe(text);
    }
  });

  it('give the checker their structure, without the catalogue layer', () => {
    for (const [structure, full] of [
      [ruleSchema({ catalogue: false }), committed.rule],
      [casesSchema({ catalogue: false }), committed.cases],
    ] as const) {
      const { allOf: _layer, definitions, ...rest } = full;
      const kept = Object.keys((structure.definitions as object | undefined) ?? {});
      expect({ ...rest, ...(kept.length ? { definitions: pick(definitions, kept) } : {}) }).toEqual(structure);
    }
  });

  it('accept every shipped rule, cases and data file', () => {
    const problems = shipped.flatMap(({ file, json }) => {
      const validate = file.endsWith('.rule.json')
        ? validateRule
        : file.endsWith('.cases.json')
          ? validateCases
          : file.startsWith('data/')
            ? validateData(file.slice(5, -5))
            : undefined;
      return validate ? errorsOf(validate, json).map((error) => `${file}: ${error}`) : [];
    });
    expect(problems).toEqual([]);
    expect(shipped.filter(({ file }) => file.endsWith('.rule.json')).length).toBeGreaterThan(10);
  });

  it('are the ones each rule and cases file names as "$schema"', () => {
    const wrong = shipped
      .filter(({ file }) => /\.(rule|cases)\.json$/.test(file))
      .filter(({ file, json }) => {
        const kind = file.endsWith('.rule.json') ? 'rule' : 'cases';
        const named = resolve(dirname(join(DEFAULT_POLICIES_DIR, file)), String(json.$schema));
        return named !== join(RULES_DIR, `schema/${kind}.schema.json`);
      })
      .map(({ file }) => file);
    expect(wrong).toEqual([]);
  });

  it('are what .vscode/settings.json gives each policy file', () => {
    const settings = readJson(join(REPO_ROOT, '.vscode/settings.json'))['json.schemas'] as {
      fileMatch: string[];
      url: string;
    }[];
    for (const { url } of settings) expect(existsSync(join(REPO_ROOT, url)), url).toBe(true);
    const schemaOf = (file: string) => {
      const fromRoot = relative(REPO_ROOT, join(DEFAULT_POLICIES_DIR, file));
      // As VS Code matches: each pattern may start at any folder (it prefixes **/).
      const matches = settings.filter(({ fileMatch }) => fileMatch.some((pattern) => globMatches(fromRoot, pattern)));
      return matches.map(({ url }) => relative(RULES_DIR, join(REPO_ROOT, url)));
    };
    const expected = (file: string) =>
      file.endsWith('.rule.json')
        ? 'schema/rule.schema.json'
        : file.endsWith('.cases.json')
          ? 'schema/cases.schema.json'
          : `schema/${file.slice(0, -5)}.schema.json`;
    const unmapped = shipped
      .filter(({ file }) => !file.startsWith('examples/'))
      .filter(({ file }) => JSON.stringify(schemaOf(file)) !== JSON.stringify([expected(file)]))
      .map(({ file }) => `${file}: ${JSON.stringify(schemaOf(file))}`);
    expect(unmapped).toEqual([]);
  });
});

describe('what an editor shows while typing a rule', () => {
  // Decision points assign and create_user, forEach products.
  const SEAT = 'seat-limits/no-assignment-beyond-purchased.rule.json';
  const FIRST = '/rule/conditions/all/0';
  const withCondition = (file: string, condition: Record<string, unknown>, change?: (rule: JsonSchema) => void) => {
    const rule = shippedRule(file);
    rule.rule.conditions = { all: [condition] };
    change?.(rule);
    return errorsOf(validateRule, rule);
  };

  it('a misspelled fact, also nested and as a value', () => {
    expect(withCondition(SEAT, { fact: 'prodcut', path: '$.id', operator: 'equal', value: 'x' })).toContain(
      `${FIRST}/fact enum`,
    );
    expect(
      withCondition(SEAT, { any: [{ not: { fact: 'usr', operator: 'equal', value: 1 } }] }).map((e) =>
        e.replace(FIRST, ''),
      ),
    ).toContain('/any/0/not/fact enum');
    expect(
      withCondition(SEAT, { fact: 'actor', path: '$.roles', operator: 'containsAny', value: { fact: 'parms' } }),
    ).toContain(`${FIRST}/value/fact enum`);
  });

  it('an unknown operator; decorated and chained ones are accepted', () => {
    const condition = (operator: string) => ({ fact: 'product', path: '$.available', operator, value: 0 });
    expect(withCondition(SEAT, condition('lessThen'))).toEqual([`${FIRST}/operator pattern`]);
    expect(withCondition(SEAT, condition('not:lessThen'))).toEqual([`${FIRST}/operator pattern`]);
    expect(withCondition(SEAT, condition('nix:lessThan'))).toEqual([`${FIRST}/operator pattern`]);
    for (const operator of ['lessThan', 'not:lessThan', 'someFact:containsAny', 'not:swap:lessThanInclusive'])
      expect(withCondition(SEAT, condition(operator)), operator).toEqual([]);
  });

  it('a fact that one of its decision points does not provide', () => {
    // queue_membership has no suite; assign and create_user have no suite either.
    expect(
      withCondition('who-may-act/manage-queues.rule.json', {
        fact: 'suite',
        path: '$.id',
        operator: 'equal',
        value: 'x',
      }),
    ).toContain(`${FIRST}/fact enum`);
    expect(withCondition(SEAT, { fact: 'suite', path: '$.id', operator: 'equal', value: 'x' })).toEqual([
      `${FIRST}/fact enum`,
    ]);
    // user is provided at assign but not at purchase_seats: one point without it is enough.
    const atBoth = (points: string[]) =>
      withCondition(SEAT, { fact: 'user', path: '$.id', operator: 'equal', value: 'x' }, (rule) => {
        rule.decisionPoints = points;
      });
    expect(atBoth(['assign'])).toEqual([]);
    expect(atBoth(['assign', 'purchase_seats'])).toEqual([`${FIRST}/fact enum`]);
    // product only in rules with "forEach": "products".
    const product = { fact: 'product', path: '$.available', operator: 'lessThan', value: 0 };
    expect(withCondition(SEAT, product, (rule) => void delete rule.forEach)).toEqual([`${FIRST}/fact enum`]);
  });

  it('a path the fact does not have at the decision point', () => {
    const at = (path: string, fact = 'product') => withCondition(SEAT, { fact, path, operator: 'equal', value: 0 });
    expect(at('$.availableAftr')).toEqual([`${FIRST}/path enum`]);
    expect(at('$.excess')).toEqual([`${FIRST}/path enum`]); // reduce_seats only
    expect(at('$.cardonFile', 'account')).toEqual([`${FIRST}/path enum`]);
    expect(at('$.roles.licenseManagers', 'params')).toEqual([]);
    expect(at('$.roles.licenceManagers', 'params')).toEqual([`${FIRST}/path enum`]);
  });

  it('facts outside who-may-act rules, and an unknown effect type', () => {
    expect(
      withCondition('who-may-act/assign-and-unassign.rule.json', {
        fact: 'user',
        path: '$.id',
        operator: 'equal',
        value: 'x',
      }),
    ).toEqual([`${FIRST}/fact enum`]);
    const rule = shippedRule('seat-limits/last-seat-notice.rule.json');
    rule.effects[0].type = 'notise';
    expect(errorsOf(validateRule, rule)).toEqual(['/effects/0/type enum']);
  });
});

describe('what an editor shows while typing cases', () => {
  const CASES = 'seat-limits/no-assignment-beyond-purchased.cases.json';
  const withCase = (change: (example: Record<string, unknown>) => void) => {
    const cases = shippedRule(CASES);
    change(cases.cases[0]);
    return errorsOf(validateCases, cases);
  };

  it('facts the decision point does not have, and params', () => {
    expect(withCase((c) => void (c.facts = { actor: { isowner: true } }))).toEqual([
      '/cases/0/facts/actor additionalProperties',
    ]);
    expect(withCase((c) => void (c.facts = { suite: {} }))).toEqual(['/cases/0/facts additionalProperties']);
    expect(withCase((c) => void (c.facts = { params: {} }))).toEqual(['/cases/0/facts additionalProperties']);
    expect(withCase((c) => void (c.facts = { products: [{ available: '1' }] }))).toEqual([
      '/cases/0/facts/products/0/available type',
    ]);
  });

  it('an unknown decision point', () => {
    expect(withCase((c) => void (c.point = 'asign'))).toEqual(['/cases/0/point enum']);
  });
});

function pick(object: unknown, keys: string[]): Record<string, unknown> {
  const source = object as Record<string, unknown>;
  return Object.fromEntries(keys.map((key) => [key, source[key]]));
}

/** A VS Code `fileMatch` pattern (`*`, `**`), matched from any folder as VS Code does. */
function globMatches(path: string, pattern: string): boolean {
  const regex = pattern
    .replace(/^\//, '')
    .split('**/')
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
    .join('(?:.*/)?');
  return new RegExp(`^(?:.*/)?${regex}$`).test(path);
}
