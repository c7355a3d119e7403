import { fromBinary } from '@bufbuild/protobuf';
import pg from 'pg';
import { events } from '@acme/contracts';

/** What one request left behind: its audit rows and outbox events (both carry the request id). */
export interface RequestTrail {
  audits: number;
  events: number;
}

/**
 * Reads the licensing database directly (never through the service under test) for what every
 * request committed, and for the invariants that must hold whatever was interrupted: seat
 * counters equal assignment rows, each assignment made since `assignmentsSince` (seeded ones
 * have none) has its audit row, and each account's outbox
 * sequence runs 1..event_sequence without a gap or a repeat.
 */
export async function readTrail(
  url: string,
  options: { assignmentsSince: Date },
): Promise<{ byRequest: Map<string, RequestTrail>; problems: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const byRequest = new Map<string, RequestTrail>();
    const trail = (id: string) => byRequest.get(id) ?? byRequest.set(id, { audits: 0, events: 0 }).get(id)!;
    for (const row of (
      await client.query<{ causation_id: string; n: string }>(
        'select causation_id, count(*) as n from audit_entry group by causation_id',
      )
    ).rows) {
      trail(row.causation_id).audits = Number(row.n);
    }
    for (const row of (await client.query<{ payload: Buffer }>('select payload from outbox_event')).rows) {
      trail(fromBinary(events.EventEnvelopeSchema, row.payload).causationId).events++;
    }
    const problems: string[] = [];
    const counters = await client.query<{
      account_id: string;
      product_id: string;
      assigned_seats: number;
      rows: string;
    }>(
      `select s.account_id, s.product_id, s.assigned_seats,
              (select count(*) from assignment a where a.account_id = s.account_id and a.product_id = s.product_id) as rows
         from subscription s`,
    );
    for (const c of counters.rows) {
      if (c.assigned_seats !== Number(c.rows))
        problems.push(
          `${c.account_id}/${c.product_id}: assigned_seats ${c.assigned_seats} but ${c.rows} assignment rows`,
        );
    }
    const orphans = await client.query<{ id: string }>(
      `select a.id from assignment a
        where a.created_at >= $1 and not exists (select 1 from audit_entry e where e.resource_type = 'assignment' and e.resource_id = a.id)`,
      [options.assignmentsSince],
    );
    for (const o of orphans.rows) problems.push(`assignment ${o.id} has no audit row`);
    const sequences = await client.query<{
      id: string;
      event_sequence: number;
      n: string;
      max: number | null;
      distinct_n: string;
    }>(
      `select a.id, a.event_sequence, count(o.id) as n, max(o.sequence) as max, count(distinct o.sequence) as distinct_n
         from account a left join outbox_event o on o.account_id = a.id group by a.id, a.event_sequence`,
    );
    for (const s of sequences.rows) {
      const n = Number(s.n);
      if (n !== Number(s.distinct_n) || (s.max ?? 0) !== n || s.event_sequence !== n) {
        problems.push(
          `${s.id}: ${n} outbox events, ${s.distinct_n} distinct sequences, highest ${s.max}, event_sequence ${s.event_sequence}`,
        );
      }
    }
    return { byRequest, problems };
  } finally {
    await client.end();
  }
}
