import { placeholders } from '../engine/render.js';
import type { RuleFile } from '../engine/rule-file.js';

/** Every `{{fact.path}}` of the message and the effects: where it stands and the fact it names. */
export function placeholdersOf(rule: RuleFile): { path: string; placeholder: string; fact: string }[] {
  const templates: [string, string][] = [
    ['/message', rule.message],
    ...(rule.effects ?? []).flatMap(
      (e, i) =>
        [
          [`/effects/${i}/productId`, e.productId ?? ''],
          [`/effects/${i}/userId`, e.userId ?? ''],
          [`/effects/${i}/days`, typeof e.days === 'string' ? e.days : ''],
        ] as [string, string][],
    ),
  ];
  return templates.flatMap(([path, template]) =>
    placeholders(template).map((placeholder) => ({ path, placeholder, fact: placeholder.split('.')[0]! })),
  );
}
