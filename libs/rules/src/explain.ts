import type { Decision } from './rule-set.js';

/** A decision in plain words, for policy authors (`npm run rules -- explain`). */
export function explainDecision(decision: Decision): string {
  const lines = [`Decision at ${decision.point}: ${decision.allowed ? 'ALLOWED' : 'DENIED'} (rule set ${decision.ruleSetVersion})`];
  for (const v of decision.violations) lines.push(`  denied by ${v.ruleId}: ${v.message}`);
  for (const w of decision.warnings) lines.push(`  warning from ${w.ruleId}: ${w.message}`);
  for (const e of decision.effects) {
    const who = e.userIds ? ` users ${e.userIds.join(', ') || '(none)'}` : e.userId ? ` user ${e.userId}` : '';
    lines.push(`  effect ${e.type}${e.code ? ` (${e.code})` : ''}${e.productId ? ` on ${e.productId}` : ''}${who}, from ${e.ruleId}`);
  }
  lines.push('', 'Why:');
  for (const rule of decision.trace) {
    lines.push(`  ${rule.ruleId}${rule.productId ? ` [product ${rule.productId}]` : ''}: ${rule.fired ? 'FIRED' : 'did not fire'}`);
    for (const c of rule.conditions) {
      const fact = `${c.fact}${c.path ? c.path.slice(1) : ''}`;
      lines.push(`    ${c.result ? 'held  ' : 'failed'} ${fact} ${c.operator} ${JSON.stringify(c.value)} (actual: ${JSON.stringify(c.factValue)})`);
    }
  }
  return lines.join('\n');
}
