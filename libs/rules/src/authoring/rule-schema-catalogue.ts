/**
 * The catalogue layer of schema/rule.schema.json (why a separate layer: editor-schemas.ts): which
 * facts each decision point provides, the paths of each fact there, and the operators.
 */
import {
  BUILT_IN_OPERATORS,
  CUSTOM_OPERATORS,
  FACTS,
  OPERATOR_DECORATORS,
  factShape,
  factsFor,
  type FactShape,
} from '../engine/catalogue.js';
import {
  AUTHORIZATION_FACTS,
  AUTHORIZATION_FAMILY,
  DECISION_POINTS,
  type DecisionPoint,
} from '../engine/decision-points.js';
import { paramsKey } from './check-data-and-examples.js';
import { DATA_SCHEMAS } from './data-schemas.js';
import { describeShape, knownPaths, shapeAtPath } from './fact-shapes.js';
import { described, perFactDefinitions, perProductFacts, ref, type JsonSchema } from './schema-parts.js';

/** Why a who-may-act rule may not use a fact: the editors' message and the checker's (check-rule-file.ts). */
export const AUTHORIZATION_FACTS_ONLY = `${AUTHORIZATION_FAMILY} rules decide before the account's data is read: they may use only the ${AUTHORIZATION_FACTS.join(', ')} facts`;

/** What each decorator does, for the completion of decorated operators (a new decorator needs its words). */
const DECORATOR_WORDS: Record<(typeof OPERATOR_DECORATORS)[number], string> = {
  not: 'negated',
  someFact: 'for some element of the fact (a list)',
  everyFact: 'for every element of the fact (a list)',
  someValue: 'for some element of the value (a list)',
  everyValue: 'for every element of the value (a list)',
  swap: 'fact and value swapped',
};

/**
 * Every operator, plain or with one decorator, completed with descriptions; decorators may also be
 * chained (`not:someFact:equal`). The pattern decides, with its own message; the list is an
 * alternative of an `anyOf` that always holds, only for completion (an editor completes from
 * `anyOf`, and an enum that fails there would be reported with all 112 values).
 */
function operatorSchema(): JsonSchema {
  const operators = { ...BUILT_IN_OPERATORS, ...CUSTOM_OPERATORS };
  const names = Object.keys(operators);
  const plain = Object.entries(operators).map(([name, { description }]): [string, string] => [name, description]);
  const decorated = OPERATOR_DECORATORS.flatMap((decorator) =>
    Object.entries(operators).map(([name, { description }]): [string, string] => [
      `${decorator}:${name}`,
      `${DECORATOR_WORDS[decorator]}: ${description}`,
    ]),
  );
  return {
    description: 'An operator of json-rules-engine or ours, optionally with decorators (npm run rules -- catalogue)',
    type: 'string',
    pattern: `^((${OPERATOR_DECORATORS.join('|')}):)*(${names.join('|')})$`,
    patternErrorMessage: `Unknown operator: one of ${names.join(', ')}, each optionally prefixed by decorators ${OPERATOR_DECORATORS.map((d) => `${d}:`).join(' ')}`,
    $comment: 'anyOf: the operators for completion, and true (the pattern decides)',
    anyOf: [described([...plain, ...decorated]), true],
  };
}

/** The schema of the `path` of a fact at some points: its known paths with their types, or none for a list. */
function pathSchema(fact: string, shape: FactShape): JsonSchema {
  if (fact === 'params') return paramsPathSchema();
  if (shape.type === 'list')
    return { not: {}, errorMessage: `${fact} is named whole, without a path (${describeShape(shape)})` };
  return described(
    knownPaths(shape).map((path) => [path, describeShape(shapeAtPath(shape, path, fact).shape ?? { type: 'unknown' })]),
  );
}

/** params is the data files: `$.<file>` and `$.<file>.<key>`, described by the data files' schemas. */
function paramsPathSchema(): JsonSchema {
  const entries: [string, string][] = [];
  for (const [name, schema] of Object.entries(DATA_SCHEMAS)) {
    const path = `$.${paramsKey(name)}`;
    const { title, properties } = schema as { title?: string; properties?: Record<string, { description?: string }> };
    entries.push([path, title ?? `policies/data/${name}.json`]);
    for (const [key, property] of Object.entries(properties ?? {}))
      entries.push([`${path}.${key}`, property.description ?? `policies/data/${name}.json: ${key}`]);
  }
  return described(entries);
}

/**
 * A condition tree (all / any / not, at any depth) whose every condition, and every fact named as a
 * condition's value, matches `leaf`.
 */
const conditionTree = (self: string, leaf: string): JsonSchema => ({
  properties: {
    all: { items: ref(self) },
    any: { items: ref(self) },
    not: ref(self),
    value: { if: { type: 'object', required: ['fact'] }, then: ref(leaf) },
  },
  allOf: [ref(leaf)],
});

/** The catalogue layer of rule.schema.json: facts per decision point, their paths, the operators. */
export function ruleCatalogue(): { allOf: JsonSchema[]; definitions: Record<string, JsonSchema> } {
  const definitions: Record<string, JsonSchema> = {};
  const allFacts = Object.keys(FACTS);
  const factEnum = (facts: readonly string[], withPoints: boolean) => {
    const name = withPoints ? 'facts@any-decision-point' : `facts:${facts.join(',')}`;
    definitions[name] ??= described(
      facts.map((fact) => [
        fact,
        `${FACTS[fact]!.description}${withPoints ? ` Provided at: ${FACTS[fact]!.points.join(', ')}.` : ''}`,
      ]),
    );
    return name;
  };
  const paths = perFactDefinitions('path', allFacts, (fact, point) => pathSchema(fact, factShape(fact, point)!));
  Object.assign(definitions, paths.definitions);

  const conditionsOf = (conditions: string): JsonSchema => ({
    properties: { rule: { properties: { conditions: ref(conditions) } } },
  });
  /** The conditions of a rule whose decision points include `point`: facts of the point, paths there. */
  const atPoint = (point: DecisionPoint, forEach: boolean) => {
    const suffix = `${point}${forEach ? '+forEach' : ''}`;
    const facts = factsFor(point, forEach);
    const others = forEach ? [] : perProductFacts(point);
    definitions[`leaf@${suffix}`] = {
      properties: {
        // errorMessage beside $ref: VS Code shows it instead of listing the values; validators ignore it.
        fact: {
          ...ref(factEnum(facts, false)),
          errorMessage: `Not a fact of decision point ${point}: it provides ${facts.join(', ')}${others.length ? ` (${others.join(', ')} only with "forEach": "products")` : ''}`,
        },
      },
      allOf: facts.map((fact) => ({
        if: { properties: { fact: { const: fact } }, required: ['fact'] },
        then: { properties: { path: ref(paths.nameAt(fact, point)) } },
      })),
    };
    definitions[`conditions@${suffix}`] = conditionTree(`conditions@${suffix}`, `leaf@${suffix}`);
    return conditionsOf(`conditions@${suffix}`);
  };

  definitions.operator = operatorSchema();
  definitions['leaf@every-rule'] = { properties: { operator: ref('operator') } };
  definitions['conditions@every-rule'] = conditionTree('conditions@every-rule', 'leaf@every-rule');
  definitions['leaf@no-decision-point'] = {
    properties: {
      fact: { ...ref(factEnum(allFacts, true)), errorMessage: `Unknown fact: one of ${allFacts.join(', ')}` },
    },
  };
  definitions['conditions@no-decision-point'] = conditionTree('conditions@no-decision-point', 'leaf@no-decision-point');
  const family = `leaf@${AUTHORIZATION_FAMILY}`;
  definitions[family] = {
    properties: { fact: { ...ref(factEnum(AUTHORIZATION_FACTS, false)), errorMessage: AUTHORIZATION_FACTS_ONLY } },
  };
  definitions[`conditions@${AUTHORIZATION_FAMILY}`] = conditionTree(`conditions@${AUTHORIZATION_FAMILY}`, family);

  const allOf: JsonSchema[] = [
    conditionsOf('conditions@every-rule'),
    { if: { not: { required: ['decisionPoints'] } }, then: conditionsOf('conditions@no-decision-point') },
    ...DECISION_POINTS.map((point) => ({
      if: { properties: { decisionPoints: { contains: { const: point } } }, required: ['decisionPoints'] },
      then: perProductFacts(point).length
        ? {
            if: { properties: { forEach: { const: 'products' } }, required: ['forEach'] },
            then: atPoint(point, true),
            else: atPoint(point, false),
          }
        : atPoint(point, false),
    })),
    {
      if: { properties: { id: { pattern: `^${AUTHORIZATION_FAMILY}\\.` } }, required: ['id'] },
      then: {
        properties: {
          rule: { properties: { conditions: ref(`conditions@${AUTHORIZATION_FAMILY}`) } },
          forEach: { not: {}, errorMessage: `${AUTHORIZATION_FACTS_ONLY}, never per product` },
        },
      },
    },
  ];
  return { allOf, definitions };
}
