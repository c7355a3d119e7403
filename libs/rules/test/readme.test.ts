/** The authors' README must name everything the catalogue and the data files offer. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_OPERATORS, CUSTOM_OPERATORS, EFFECT_TYPES, FACTS } from '../src/engine/catalogue.js';
import { readPolicies } from '../src/authoring/checker.js';
import { DECISION_POINTS } from '../src/engine/decision-points.js';
import { DEFAULT_POLICIES_DIR } from '../src/loading/load.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const params = readPolicies(DEFAULT_POLICIES_DIR).params;

describe('README for policy authors', () => {
  it.each([
    ['fact', Object.keys(FACTS)],
    ['operator', [...Object.keys(BUILT_IN_OPERATORS), ...Object.keys(CUSTOM_OPERATORS)]],
    ['effect type', Object.keys(EFFECT_TYPES)],
    ['decision point', [...DECISION_POINTS]],
    ['parameter', Object.values(params).flatMap((data) => Object.keys(data as object))],
  ])('names every %s of the catalogue and data files', (_kind, names) => {
    expect(names.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
