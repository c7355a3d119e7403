import { Ajv, type ErrorObject } from 'ajv';
import type { RuleProblem } from '../engine/rule-file.js';

const ajv = new Ajv({ allErrors: true, strict: false });

/** A check of files against a JSON Schema: none, or every schema error of the file in an author's words. */
export function schemaChecker(schema: object): (file: string, json: unknown) => RuleProblem[] {
  const validate = ajv.compile(schema);
  return (file, json) => (validate(json) ? [] : (validate.errors ?? []).map((error) => schemaProblem(file, error)));
}

function schemaProblem(file: string, error: ErrorObject): RuleProblem {
  const path = error.instancePath || '(root)';
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return { file, path, problem: `missing required ${path === '(root)' ? 'metadata' : 'property'} "${missing}"` };
  }
  if (error.keyword === 'additionalProperties') {
    return {
      file,
      path,
      problem: `unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`,
    };
  }
  if (error.keyword === 'enum') {
    return {
      file,
      path,
      problem: `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
    };
  }
  return { file, path, problem: error.message ?? 'invalid' };
}
