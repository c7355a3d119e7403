import type { EventPayload } from '../domain/events.js';
import { crossings, levelReached, seatThresholdsOf } from '../domain/seat-thresholds.js';
import { record, type UseCaseContext } from './use-case-context.js';

/**
 * After any change of seats (assignments, removals, purchases, reductions, deactivations): for
 * each product whose counters moved, the thresholds of the rule data its usage crossed become
 * events, `seat_threshold.triggered` upwards and `seat_threshold.resolved` downwards. The
 * subscription remembers the highest notice standing, so a crossing is reported once, whichever
 * call makes it and however many seats it moves at once; a change that stays on the same side of
 * every threshold reports nothing. Runs in the change's transaction: the notice commits with it.
 */
export async function reportSeatThresholds(ctx: UseCaseContext): Promise<void> {
  const moved = ctx.tx.seatsChanged(ctx.account.id);
  if (moved.length === 0) return;
  const thresholds = seatThresholdsOf(ctx.rules);
  const notices: EventPayload[] = [];
  for (const seats of await ctx.tx.seatLevels(ctx.account.id, moved)) {
    const level = levelReached(thresholds, seats.assigned, seats.purchased);
    if (level === seats.noticePercent) continue;
    const { triggered, resolved } = crossings(thresholds, seats.noticePercent, level);
    const notice = (percent: number) => ({
      productId: seats.productId,
      percent,
      assigned: seats.assigned,
      purchased: seats.purchased,
    });
    for (const percent of triggered) notices.push({ case: 'seatThresholdTriggered', value: notice(percent) });
    for (const percent of resolved) notices.push({ case: 'seatThresholdResolved', value: notice(percent) });
    await ctx.tx.setSeatNoticePercent(ctx.account.id, seats.productId, level);
  }
  if (notices.length > 0) await record(ctx, [], notices);
}
