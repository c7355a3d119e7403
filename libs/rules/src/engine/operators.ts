import type { Engine } from 'json-rules-engine';

/**
 * A list operand. A JSONPath with `[*]` gives a single match as the bare value and no match as
 * undefined (jsonpath-plus with wrap: false), so both are read as lists too.
 */
const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];

/** Registers the custom operators listed in catalogue.ts on an engine. */
export function addCustomOperators(engine: Engine): void {
  engine.addOperator('containsAny', (fact: unknown, value: unknown) =>
    asList(fact).some((x) => asList(value).includes(x)),
  );
  engine.addOperator(
    'containsNone',
    (fact: unknown, value: unknown) => !asList(fact).some((x) => asList(value).includes(x)),
  );
  engine.addOperator('notAllEqual', (fact: unknown, value: unknown) => new Set(asList(fact)).size > 1 === value);
  engine.addOperator('lengthGreaterThan', (fact: unknown, value: unknown) => asList(fact).length > Number(value));
  engine.addOperator('someNotIn', (fact: unknown, value: unknown) =>
    asList(fact).some((x) => !asList(value).includes(x)),
  );
  engine.addOperator('lengthNotEqual', (fact: unknown, value: unknown) => asList(fact).length !== Number(value));
}
