import type { ConditionTrace, Decision, GroupTrace, RuleTrace } from '../engine/rule-set.js';

const GROUP_WORDS: Record<GroupTrace['operator'], string> = {
  all: 'all of these must hold',
  any: 'at least one of these must hold',
  not: 'this must NOT hold',
};

const segments = (at: string) => at.split('/').filter(Boolean);

/** Orders JSON pointers as the conditions appear in the file (a group before its children). */
function fileOrder(a: string, b: string): number {
  const x = segments(a);
  const y = segments(b);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    if (x[i] === y[i]) continue;
    const [m, n] = [Number(x[i]), Number(y[i])];
    return Number.isNaN(m) || Number.isNaN(n) ? x[i]!.localeCompare(y[i]!) : m - n;
  }
  return x.length - y.length;
}

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

function conditionLine(c: ConditionTrace): string {
  const fact = `${c.fact}${c.path ? c.path.slice(1) : ''}`;
  return `${c.result ? 'held  ' : 'failed'} ${fact} ${c.operator} ${show(c.value)} (actual: ${show(c.factValue)})`;
}

function ruleLines(rule: RuleTrace): string[] {
  const lines = [
    `  ${rule.ruleId}${rule.productId !== undefined ? ` [product ${rule.productId}]` : ''}: ${rule.fired ? 'FIRED' : 'did not fire'}`,
  ];
  const nodes = [
    ...(rule.groups ?? []).map((g) => ({
      at: g.at,
      line: `${GROUP_WORDS[g.operator]}: ${g.result ? 'held' : 'failed'}`,
      group: true,
    })),
    ...rule.conditions.map((c) => ({ at: c.at ?? '/', line: conditionLine(c), group: false })),
  ].sort((a, b) => fileOrder(a.at, b.at) || Number(b.group) - Number(a.group));
  // A single top-level "all" says nothing the leaves do not: leave it out.
  const skipRoot = rule.groups?.length === 1 && rule.groups[0]!.operator === 'all';
  for (const node of nodes) {
    if (skipRoot && node.group) continue;
    const depth = segments(node.at).length / 2 - (skipRoot ? 1 : 0);
    lines.push(`${'  '.repeat(depth + 2)}${node.line}`);
  }
  return lines;
}

/** A decision in plain words, for policy authors (`npm run rules -- explain`). */
export function explainDecision(decision: Decision): string {
  const lines = [
    `Decision at ${decision.point}: ${decision.allowed ? 'ALLOWED' : 'DENIED'} (rule set ${decision.ruleSetVersion})`,
  ];
  for (const v of decision.violations) lines.push(`  denied by ${v.ruleId}: ${v.message}`);
  for (const w of decision.warnings) lines.push(`  warning from ${w.ruleId}: ${w.message}`);
  for (const e of decision.effects) {
    const who = e.userIds ? ` users ${e.userIds.join(', ') || '(none)'}` : e.userId ? ` user ${e.userId}` : '';
    lines.push(
      `  effect ${e.type}${e.code ? ` (${e.code})` : ''}${e.productId ? ` on ${e.productId}` : ''}${who}, from ${e.ruleId}`,
    );
  }
  if (decision.violations.length + decision.warnings.length + decision.effects.length === 0)
    lines.push('  no rule fired');
  lines.push('', 'Why (each rule of this decision point, its conditions and the values it saw):');
  for (const rule of decision.trace) lines.push(...ruleLines(rule));
  return lines.join('\n');
}
