import { isUtcMidnight, type InvoicePeriod } from './proration.js';

/**
 * Checks an invoice period: both ends valid Dates at a UTC midnight, from < to. Throws a RangeError
 * naming every problem, since a wrong period is a caller's bug, never a data problem.
 */
export function assertInvoicePeriod(period: InvoicePeriod): void {
  const problems: string[] = [];
  const valid = (name: 'from' | 'to', value: Date) => {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      problems.push(`${name} must be a valid Date`);
      return false;
    }
    if (!isUtcMidnight(value)) problems.push(`${name} must be a UTC midnight, got ${value.toISOString()}`);
    return true;
  };
  const fromValid = valid('from', period.from);
  const toValid = valid('to', period.to);
  if (fromValid && toValid && period.from.getTime() >= period.to.getTime()) {
    problems.push(`from (${period.from.toISOString()}) must be before to (${period.to.toISOString()})`);
  }
  if (problems.length > 0) throw new RangeError(`invalid invoice period: ${problems.join('; ')}`);
}
