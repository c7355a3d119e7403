/**
 * The licensing service as the bad-input tests meet it: started on its own PostgreSQL database
 * with the demo accounts, a few queues and pending sales orders to aim at, one token per kind of
 * caller, typed and raw-bytes calls over the real socket, and table snapshots read beside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { LicensingService, QueueKind, QueueRole } from '@acme/contracts';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import {
  createClient,
  decodeGrpcError,
  firstMessage,
  GrpcStatus,
  serverStreamOf,
  type DecodedStatus,
  type PromiseClient,
  type ServerStream,
} from '@acme/grpc';
import { loadLicensingConfig, startLicensingService, type RunningLicensingService } from '@acme/licensing';
import { withPostgresDatabase } from '@acme/testing';
import { databaseSnapshots, type DatabaseSnapshots } from './db-snapshot.js';

export const GOTO = 'acct_demo_goto';
export const ZENDESK = 'acct_demo_zendesk';

/** Who calls: the GoTo super admin (most calls), the Zendesk owner, a plain member, a back-office service. */
export const CALLERS = ['gotoAdmin', 'zendeskOwner', 'gotoMember', 'backOffice'] as const;
export type CallerName = (typeof CALLERS)[number];

/** Ids that exist in the database when the properties start, so generated requests can aim at real rows. */
export interface KnownRows {
  queues: { goto: string; zendesk: string };
  salesOrders: { goto: string; zendesk: string };
  /** An open quote of each account and its total (minor units, USD). */
  quotes: { goto: string; zendesk: string; gotoTotal: bigint };
}

export interface CallOutcome {
  code: GrpcStatus;
  /** The decoded google.rpc.Status of a failed call. */
  status?: DecodedStatus;
  /** Size of the refusal's trailers as sent: metadata (binary values base64) and the percent-encoded message. */
  trailerBytes?: number;
}

type LicensingClient = PromiseClient<(typeof LicensingService)['method']>;
type UntypedCall = (request: unknown) => Promise<unknown>;

export interface BadInputService {
  /** True when PostgreSQL is unreachable outside CI (see withPostgresDatabase). */
  readonly skip: boolean;
  readonly address: string;
  /** GRPC_MAX_REQUEST_BYTES of the running service. */
  readonly maxRequestBytes: number;
  readonly known: KnownRows;
  readonly snapshots: DatabaseSnapshots;
  /** A call through the generated client (request built from a protobuf init object). */
  call(method: string, body: Record<string, unknown>, caller?: CallerName): Promise<CallOutcome>;
  /** A call whose request bytes go on the wire exactly as given (no serializer). */
  callRaw(method: string, bytes: Uint8Array, caller?: CallerName): Promise<CallOutcome>;
  /** The service's token for a caller, for tests that speak HTTP/2 themselves. */
  token(caller: CallerName): string;
}

const outcomeOf = (error: unknown): CallOutcome => {
  const serviceError = error as Partial<ServiceError>;
  const status = decodeGrpcError(serviceError);
  const entries = Object.entries(serviceError.metadata?.getMap() ?? {});
  const metadataBytes = entries.reduce(
    (sum, [key, value]) => sum + key.length + (Buffer.isBuffer(value) ? value.toString('base64').length : value.length),
    0,
  );
  return {
    code: status.code,
    status,
    trailerBytes: metadataBytes + encodeURIComponent(serviceError.details ?? '').length,
  };
};

/** Call at the top of a test file: registers the database, start and stop hooks. */
export async function badInputService(name: string, env: Record<string, string> = {}): Promise<BadInputService> {
  const database = await withPostgresDatabase(name);
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const tokens = {} as Record<CallerName, string>;
  const clients = {} as Record<CallerName, LicensingClient>;
  let running: RunningLicensingService | undefined;
  let raw: Client | undefined;
  let snapshots: DatabaseSnapshots | undefined;
  let known: KnownRows | undefined;
  let maxRequestBytes = 0;

  beforeAll(async () => {
    if (database.skip) return;
    const config = loadLicensingConfig({
      GRPC_PORT: '0',
      DATABASE_URL: database.url,
      SEED_DEMO: 'true',
      LOG_LEVEL: 'silent',
      ...env,
    });
    maxRequestBytes = config.GRPC_MAX_REQUEST_BYTES;
    const keys = await loadOrCreateDevKeys(join(dir, 'dev-jwks.json'));
    // No publisher and no KAFKA_BROKERS: no relay runs, so nothing but the calls writes the tables.
    running = await startLicensingService({ config, logger: pino({ level: 'silent' }), jwks: keys.publicJwks });
    const sign = (subject: string, claims: { accountId?: string; kind?: 'user' | 'service'; scopes?: string[] }) =>
      signToken(keys.privateJwk, { subject, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ...claims });
    tokens.gotoAdmin = await sign('usr_demo_goto_admin', { accountId: GOTO });
    tokens.zendeskOwner = await sign('usr_demo_zendesk_owner', { accountId: ZENDESK });
    tokens.gotoMember = await sign('usr_demo_goto_agent', { accountId: GOTO });
    tokens.backOffice = await sign('svc:back-office', {
      kind: 'service',
      scopes: ['sales_orders:complete', 'accounts:write', 'licenses:read'],
    });
    for (const caller of CALLERS)
      clients[caller] = createClient(LicensingService, running.address, { token: tokens[caller] });
    raw = new Client(running.address, credentials.createInsecure());
    snapshots = databaseSnapshots(database.url);
    known = await createKnownRows(clients);
  });

  afterAll(async () => {
    for (const client of Object.values(clients)) client.close();
    raw?.close();
    await snapshots?.close();
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const isStreaming = (method: string) =>
    LicensingService.methods.find((m) => m.name === method)?.methodKind === 'server_streaming';
  const localName = (method: string) => {
    const found = LicensingService.methods.find((m) => m.name === method);
    if (!found) throw new Error(`no RPC ${method}`);
    return found.localName;
  };

  return {
    skip: database.skip,
    get address() {
      return running!.address;
    },
    get maxRequestBytes() {
      return maxRequestBytes;
    },
    get known() {
      return known!;
    },
    get snapshots() {
      return snapshots!;
    },
    token: (caller) => tokens[caller],
    async call(method, body, caller = 'gotoAdmin') {
      const call = (clients[caller] as unknown as Record<string, UntypedCall>)[localName(method)]!;
      try {
        const answer = call(body);
        // A server stream answers like a unary call here: its first message, or its refusal.
        if (isStreaming(method)) await firstMessage(answer as unknown as ServerStream<unknown>);
        else await answer;
        return { code: GrpcStatus.OK };
      } catch (error) {
        return outcomeOf(error);
      }
    },
    callRaw(method, bytes, caller = 'gotoAdmin') {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${tokens[caller]}`);
      const passthrough = (b: Buffer) => b;
      if (isStreaming(method)) {
        const stream = raw!.makeServerStreamRequest(
          `/${LicensingService.typeName}/${method}`,
          passthrough,
          passthrough,
          Buffer.from(bytes),
          metadata,
          { deadline: Date.now() + 10_000 },
        );
        // A server stream answers like a unary call here: its first message, or its refusal.
        return firstMessage(serverStreamOf(stream)).then(
          (): CallOutcome => ({ code: GrpcStatus.OK }),
          (error: unknown) => outcomeOf(error),
        );
      }
      return new Promise((resolve) => {
        raw!.makeUnaryRequest(
          `/${LicensingService.typeName}/${method}`,
          passthrough,
          passthrough,
          Buffer.from(bytes),
          metadata,
          { deadline: Date.now() + 10_000 },
          (error) => resolve(error ? outcomeOf(error) : { code: GrpcStatus.OK }),
        );
      });
    },
  };
}

/** A queue with a member and a pending sales order in each demo account. */
async function createKnownRows(clients: Record<CallerName, LicensingClient>): Promise<KnownRows> {
  // A member only where someone holds Contact Center (queue members need it and are billed for it).
  const queue = async (client: LicensingClient, userId: string | null) => {
    const created = await client.createQueue({ kind: QueueKind.CALL, name: 'Front line' });
    if (userId) await client.addQueueMember({ queueId: created.queue!.id, userId, role: QueueRole.AGENT });
    return created.queue!.id;
  };
  const order = async (client: LicensingClient, productId: string) =>
    (await client.requestSeatsFromSales({ productId, quantity: 2 })).order!.id;
  const gotoQuote = (await clients.gotoAdmin.createQuote({ items: [{ productId: 'goto_meeting', quantity: 1 }] }))
    .quote!;
  const zendeskQuote = (
    await clients.zendeskOwner.createQuote({ items: [{ suiteId: 'zendesk_support_suite', quantity: 1 }] })
  ).quote!;
  return {
    quotes: { goto: gotoQuote.id, zendesk: zendeskQuote.id, gotoTotal: gotoQuote.total!.amountMinor },
    queues: {
      goto: await queue(clients.gotoAdmin, 'usr_demo_goto_agent'),
      zendesk: await queue(clients.zendeskOwner, null),
    },
    salesOrders: {
      goto: await order(clients.gotoAdmin, 'goto_meeting'),
      zendesk: await order(clients.zendeskOwner, 'zendesk_support'),
    },
  };
}
