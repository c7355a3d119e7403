/**
 * schema/cases.schema.json: the structure of a cases file and its catalogue layer (why two
 * layers: editor-schemas.ts), which points a case may name and the facts it may change there.
 */
import { FACTS, factShape, requiredFacts, type FactShape } from '../engine/catalogue.js';
import { DECISION_POINTS } from '../engine/decision-points.js';
import {
  DRAFT_07,
  GENERATED,
  SCHEMA_BASE_URL,
  decisionPointEnum,
  effectTypeEnum,
  perFactDefinitions,
  ref,
  type JsonSchema,
  type SchemaOptions,
} from './schema-parts.js';

export function casesSchema({ catalogue }: SchemaOptions): JsonSchema {
  const structure = casesStructure();
  if (!catalogue) return structure;
  const layer = casesCatalogue();
  return { ...structure, allOf: layer.allOf, definitions: layer.definitions };
}

function casesStructure(): JsonSchema {
  return {
    $schema: DRAFT_07,
    $id: `${SCHEMA_BASE_URL}cases.schema.json`,
    $comment: GENERATED,
    title: 'Example cases of one policy rule',
    type: 'object',
    additionalProperties: false,
    required: ['rule', 'cases'],
    properties: {
      $schema: { type: 'string' },
      rule: { type: 'string', description: 'Id of the rule these cases are about' },
      cases: {
        type: 'array',
        minItems: 2,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'point', 'facts', 'fires'],
          properties: {
            name: { type: 'string', minLength: 5, description: "States the outcome, e.g. 'an admin may assign'" },
            point: { type: 'string', description: "The decision point decided (one of the rule's decisionPoints)" },
            facts: { type: 'object', description: 'Merged over policies/examples/<point>.json' },
            fires: { type: 'boolean', description: 'Whether this rule fires' },
            allowed: { type: 'boolean', description: 'Expected overall decision, when stated' },
            message: { type: 'string', description: 'Expected rendered message of this rule, when stated' },
            effects: { type: 'array', description: 'Expected effects of this rule (subset match)' },
          },
        },
      },
    },
  };
}

/** A value a case may write for a fact of this shape: any part of it, nothing the catalogue does not know. */
function partialValue(shape: FactShape): JsonSchema {
  switch (shape.type) {
    case 'unknown':
      return {};
    case 'null':
      return { type: 'null' };
    case 'list':
      return { type: 'array', items: partialValue(shape.items) };
    case 'object':
      return {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(
          Object.entries(shape.properties).map(([key, child]) => [key, partialValue(child)]),
        ),
      };
    default:
      return { type: shape.nullable ? [shape.type, 'null'] : shape.type };
  }
}

/** The catalogue layer of cases.schema.json: the points, and the facts a case may change at its point. */
function casesCatalogue(): { allOf: JsonSchema[]; definitions: Record<string, JsonSchema> } {
  const facts = Object.keys(FACTS).filter((fact) => fact !== 'params' && !FACTS[fact]!.perProduct);
  const values = perFactDefinitions('fact', facts, (fact, point) => ({
    description: FACTS[fact]!.description,
    ...partialValue(factShape(fact, point)!),
  }));
  const definitions: Record<string, JsonSchema> = {
    case: {
      properties: {
        point: decisionPointEnum(),
        effects: { items: { type: 'object', properties: { type: effectTypeEnum() } } },
      },
      allOf: DECISION_POINTS.map((point) => ({
        if: { properties: { point: { const: point } }, required: ['point'] },
        then: { properties: { facts: ref(`facts@${point}`) } },
      })),
    },
    ...Object.fromEntries(
      DECISION_POINTS.map((point) => [
        `facts@${point}`,
        {
          $comment: 'params come from policies/data, not from cases',
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(requiredFacts(point).map((fact) => [fact, ref(values.nameAt(fact, point))])),
        },
      ]),
    ),
    ...values.definitions,
  };
  return { allOf: [{ properties: { cases: { items: ref('case') } } }], definitions };
}
