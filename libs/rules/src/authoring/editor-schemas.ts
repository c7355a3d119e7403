/**
 * The JSON Schemas of rule and cases files (`schema/rule.schema.json`, `schema/cases.schema.json`),
 * generated from the fact catalogue: `npm run rules -- schemas` writes them, and
 * editor-schemas.test.ts fails while the committed files differ from what this module produces.
 *
 * Each schema is built in two layers:
 *
 * - **the structure** (rule-schema.ts, cases-schema.ts): what a rule or cases file is (metadata,
 *   types, all/any/not trees, decision points, effect types). The checker validates with this
 *   layer only (`{ catalogue: false }`).
 * - **the catalogue layer** (rule-schema-catalogue.ts, cases-schema.ts): the root `allOf` and the
 *   definitions it refers to. Which facts each decision point provides (if `decisionPoints`
 *   contains a point, then every condition's fact is one of its facts, `product` only with
 *   `forEach`), the paths of each fact there, the operators, and what a case may change at its
 *   `point`; with the catalogue's descriptions, for completion. Editors apply it while typing. The
 *   checker checks the same things itself, with clearer messages ("did you mean", which point
 *   lacks the fact), and a schema error would hide them: it reports a file's schema errors and
 *   stops there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { casesSchema } from './cases-schema.js';
import { ruleSchema } from './rule-schema.js';
import type { JsonSchema } from './schema-parts.js';

const SCHEMA_DIR = new URL('../../schema/', import.meta.url);

export interface SchemaFile {
  /** Relative to libs/rules: `schema/rule.schema.json`. */
  file: string;
  path: string;
  text: string;
}

/**
 * JSON as a person would lay it out: an object that fits in 80 characters on one line, others one
 * property per line. Prettier then formats it (it keeps that choice for objects).
 */
function layout(value: unknown, indent = ''): string {
  const flat = JSON.stringify(value);
  if (value === null || typeof value !== 'object' || flat.length <= 80) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((item) => inner + layout(item, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value).map(([key, item]) => `${inner}${JSON.stringify(key)}: ${layout(item, inner)}`);
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

/** The schema files as `npm run rules -- schemas` writes them (formatted as Prettier checks them). */
export async function editorSchemaFiles(): Promise<SchemaFile[]> {
  // Imported here, not above: Prettier is a development tool, and only `schemas` of the CLI's
  // commands (cli.ts imports this module) needs it.
  const prettier = await import('prettier');
  const files: [string, JsonSchema][] = [
    ['rule.schema.json', ruleSchema({ catalogue: true })],
    ['cases.schema.json', casesSchema({ catalogue: true })],
  ];
  return Promise.all(
    files.map(async ([name, schema]) => {
      const path = fileURLToPath(new URL(name, SCHEMA_DIR));
      const options = await prettier.resolveConfig(path, { editorconfig: true });
      return {
        file: `schema/${name}`,
        path,
        text: await prettier.format(layout(schema), { ...options, filepath: path }),
      };
    }),
  );
}

/** Writes the schema files that differ from what the catalogue gives now; returns each file and whether it changed. */
export async function writeEditorSchemas(): Promise<{ file: string; changed: boolean }[]> {
  return (await editorSchemaFiles()).map(({ file, path, text }) => {
    const changed = readFileOrEmpty(path) !== text;
    if (changed) writeFileSync(path, text);
    return { file, changed };
  });
}

function readFileOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
