/** Reads `a.b.c` from an object; undefined when any step is missing. */
export function lookup(source: unknown, path: string): unknown {
  let node: unknown = source;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Fills `{{fact.path}}` placeholders from the facts; a missing value shows as `?`. */
export function renderTemplate(template: string, facts: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g, (_, path: string) => {
    const value = lookup(facts, path);
    if (value === undefined || value === null) return '?';
    return Array.isArray(value) ? value.join(', ') : String(value);
  });
}

/** Placeholder paths used in a template, for the checker. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g)].map((m) => m[1]!);
}
