/** schema/rule.schema.json: the structure of a rule file, and with it the catalogue layer (rule-schema-catalogue.ts). */
import { ruleCatalogue } from './rule-schema-catalogue.js';
import {
  DRAFT_07,
  GENERATED,
  SCHEMA_BASE_URL,
  decisionPointEnum,
  effectTypeEnum,
  ref,
  type JsonSchema,
  type SchemaOptions,
} from './schema-parts.js';

export function ruleSchema({ catalogue }: SchemaOptions): JsonSchema {
  const structure = ruleStructure();
  if (!catalogue) return structure;
  const layer = ruleCatalogue();
  return {
    ...structure,
    allOf: layer.allOf,
    definitions: { ...(structure.definitions as object), ...layer.definitions },
  };
}

/** `{ "all": [...] }`, `{ "any": [...] }` or `{ "not": {...} }`, nothing beside it. */
const group = (name: 'all' | 'any' | 'not', items: JsonSchema): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required: [name],
  properties: { [name]: items },
});

/** The rule file's structure: what the checker validates before its own checks. */
function ruleStructure(): JsonSchema {
  return {
    $schema: DRAFT_07,
    $id: `${SCHEMA_BASE_URL}rule.schema.json`,
    $comment: GENERATED,
    title: 'Policy rule file',
    description:
      'One policy rule: metadata for people around a json-rules-engine condition tree. Conditions describe the situation the rule is about: a deny rule fires (and refuses) when they hold.',
    type: 'object',
    additionalProperties: false,
    required: ['id', 'title', 'description', 'message', 'severity', 'owner', 'effectiveDate', 'decisionPoints', 'rule'],
    properties: {
      $schema: { type: 'string' },
      id: {
        type: 'string',
        pattern: '^[a-z0-9-]+\\.[a-z0-9-]+$',
        description: '<family>.<rule-name>, unique across the rule set',
      },
      title: { type: 'string', minLength: 3, maxLength: 120 },
      description: { type: 'string', minLength: 10 },
      message: {
        type: 'string',
        minLength: 3,
        description: 'Shown to callers when the rule fires; {{fact.path}} placeholders are filled from the facts',
      },
      severity: {
        enum: ['deny', 'warn', 'info'],
        description: 'deny refuses the change; warn lets it through with a warning; info only produces effects',
      },
      owner: { type: 'string', minLength: 2 },
      effectiveDate: {
        type: 'string',
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
        description: 'The rule applies from this day (UTC)',
      },
      source: { type: 'string', description: 'Where the behaviour comes from (article and passage)' },
      decisionPoints: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        description: 'Where the service asks this rule; each of them must provide every fact the rule names',
        items: decisionPointEnum(),
      },
      forEach: {
        enum: ['products'],
        description: 'Evaluate once per entry of the products fact, available as the product fact',
      },
      effects: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          properties: {
            type: effectTypeEnum(),
            code: { type: 'string' },
            productId: { type: 'string', description: 'Literal or {{placeholder}}' },
            userId: { type: 'string', description: 'Literal or {{placeholder}}' },
            days: {
              type: ['integer', 'string'],
              minimum: 1,
              pattern: '^\\{\\{\\s*[A-Za-z_][\\w.]*\\s*\\}\\}$',
              description:
                'configuration_retained only: how many days it is kept, a whole number or one {{placeholder}} naming one, e.g. {{params.retention.days}}',
            },
          },
        },
      },
      rule: {
        type: 'object',
        additionalProperties: false,
        required: ['conditions'],
        properties: {
          conditions: ref('topLevel'),
          priority: { type: 'integer', minimum: 1 },
        },
      },
    },
    definitions: {
      topLevel: {
        oneOf: [group('all', ref('list')), group('any', ref('list')), group('not', ref('condition'))],
      },
      list: { type: 'array', minItems: 1, items: ref('condition') },
      condition: {
        oneOf: [
          ref('topLevel'),
          {
            type: 'object',
            additionalProperties: false,
            required: ['fact', 'operator', 'value'],
            properties: {
              fact: { type: 'string', description: 'A fact the service provides (npm run rules -- catalogue)' },
              path: {
                type: 'string',
                pattern: '^\\$(\\.[A-Za-z_][A-Za-z0-9_]*(\\[\\*\\])?)+$',
                description: 'JSONPath into the fact: $.a.b, or $.list[*].field for every element of a list',
              },
              operator: { type: 'string' },
              value: {
                description:
                  'What the fact is compared with: a literal, or another fact as { "fact": "params", "path": "$.roles.seatBuyers" }',
              },
              params: { type: 'object' },
            },
          },
        ],
      },
    },
  };
}
