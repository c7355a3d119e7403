/**
 * The dev stack on a throw-away directory for the security tests, with what they need: the
 * signing key (to mint good and bad tokens) and a raw call that sends exactly the metadata given.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type Client,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { pino } from 'pino';
import { LicensingService } from '@acme/contracts';
import { loadOrCreateDevKeys, signToken, type DevKeys, type TokenClaims } from '@acme/auth';
import { decodeGrpcError, firstMessage, GrpcStatus, serverStreamOf, toServiceDefinition } from '@acme/grpc';
import { loadLicensingConfig } from '@acme/licensing';
import type { Logger } from '@acme/util';
import { startDevStack, type DevStack } from '../dev-stack.js';

/** Each call's deadline: answers take milliseconds, so this only tells a hang from a busy machine. */
const CALL_DEADLINE_MS = 30_000;

export const ISSUER = 'acme-dev';
export const AUDIENCE = 'licensing';
export const GOTO = 'acct_demo_goto';
export const ZENDESK = 'acct_demo_zendesk';
/**
 * A super admin of the Zendesk demo account. Nobody can create one through the API there (only a
 * super admin grants super_admin, and the seed has none on a Zendesk-style account, where the owner
 * is the top role), so the security stack writes it into its database at start, before any call.
 */
export const ZENDESK_SUPER_ADMIN = 'usr_sec_zendesk_super_admin';
/** Every RPC of the licensing service, by name. */
export const RPCS = LicensingService.methods.map((m) => m.name);

/** What came back from one call. */
export interface Outcome {
  code: GrpcStatus;
  reason?: string;
  message: string;
  requestId?: string;
  response?: unknown;
  /** Everything the caller received besides the response: status text and every trailer, bytes as latin1. */
  trailers?: string;
}

export interface SecurityStack {
  address: string;
  /** The libsql database file (unused when `DATABASE_URL` is given). */
  databaseFile: string;
  /**
   * Runs one SQL statement on the libsql database from another connection, behind the service's
   * back: its caches (answers, user records) do not hear of it. Make such a write before any call
   * reads what it changes, or follow it with a change to the account through the service (any
   * commit to an account drops what is cached of it). Refused on PostgreSQL.
   */
  writeBehindService(sql: string, ...params: SQLInputValue[]): void;
  keys: DevKeys;
  /** A token signed with the stack's key; issuer and audience default to the service's. */
  sign(
    claims: Omit<TokenClaims, 'issuer' | 'audience'> & Partial<Pick<TokenClaims, 'issuer' | 'audience'>>,
  ): Promise<string>;
  /** Calls `method` sending `authorization` exactly as given (none when undefined). */
  call(
    method: string,
    body: Record<string, unknown>,
    authorization?: string,
    extra?: Record<string, string>,
  ): Promise<Outcome>;
  stop(): Promise<void>;
}

export async function startSecurityStack(
  options: { logger?: Logger; env?: Record<string, string> } = {},
): Promise<SecurityStack> {
  const dir = mkdtempSync(join(tmpdir(), 'security-'));
  const databaseFile = join(dir, 'licensing.db');
  const config = loadLicensingConfig({
    GRPC_PORT: '0',
    SQLITE_PATH: databaseFile,
    SEED_DEMO: 'true',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const keysFile = join(dir, 'dev-jwks.json');
  const stack: DevStack = await startDevStack({
    config,
    logger: options.logger ?? pino({ level: 'silent' }),
    devKeysFile: keysFile,
  });
  const keys = await loadOrCreateDevKeys(keysFile);
  const Constructor = makeGenericClientConstructor(toServiceDefinition(LicensingService), LicensingService.typeName);
  type Unary = (
    request: unknown,
    metadata: Metadata,
    options: object,
    callback: (error: ServiceError | null, response: unknown) => void,
  ) => void;
  const client = new Constructor(stack.address, credentials.createInsecure()) as unknown as Client &
    Record<string, Unary>;
  const writeBehindService = (sql: string, ...params: SQLInputValue[]) => {
    if (config.DATABASE_URL)
      throw new Error(
        'writeBehindService: the stack runs on PostgreSQL; only its libsql file can be written behind it',
      );
    const other = new DatabaseSync(databaseFile);
    try {
      other.prepare(sql).run(...params);
    } finally {
      other.close();
    }
  };
  // No call has been made yet, so nothing of the account is cached. (On PostgreSQL there is no Zendesk super admin.)
  if (!config.DATABASE_URL) {
    writeBehindService(
      `insert into app_user (id, account_id, email, display_name, roles, permissions, created_at)
       select ?, account_id, 'root@demo-zendesk.test', 'Zendesk Super Admin (security tests)', ` +
        `'["super_admin"]', '[]', created_at from app_user where id = 'usr_demo_zendesk_owner'`,
      ZENDESK_SUPER_ADMIN,
    );
  }
  return {
    address: stack.address,
    databaseFile,
    writeBehindService,
    keys,
    sign: (claims) => signToken(keys.privateJwk, { issuer: ISSUER, audience: AUDIENCE, ...claims }),
    async call(method, body, authorization, extra = {}) {
      const descriptor = LicensingService.methods.find((m) => m.name === method);
      if (!descriptor) throw new Error(`no RPC ${method}`);
      const metadata = new Metadata();
      if (authorization !== undefined) metadata.set('authorization', authorization);
      for (const [key, value] of Object.entries(extra)) metadata.set(key, value);
      return new Promise<Outcome>((resolve) => {
        (descriptor.methodKind === 'server_streaming'
          ? firstOfStream(client, descriptor.localName)
          : client[descriptor.localName]!
        ).call(
          client,
          create(descriptor.input, body as never),
          metadata,
          { deadline: Date.now() + CALL_DEADLINE_MS },
          (error, response) => {
            if (!error) return resolve({ code: GrpcStatus.OK, message: '', response });
            const decoded = decodeGrpcError(error);
            const trailers = [
              error.details,
              ...Object.values(error.metadata?.getMap() ?? {}).map((v) =>
                Buffer.isBuffer(v) ? v.toString('latin1') : String(v),
              ),
            ].join('\n');
            resolve({
              code: decoded.code,
              message: decoded.message,
              trailers,
              ...(decoded.errorInfo ? { reason: decoded.errorInfo.reason } : {}),
              ...(decoded.requestId ? { requestId: decoded.requestId } : {}),
            });
          },
        );
      });
    },
    async stop() {
      client.close();
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => `Bearer ${token}`;

type Callback = (error: ServiceError | null, response: unknown) => void;

/**
 * A server-streaming method called like a unary one: its first message (then the stream is
 * cancelled), or its refusal. That is what a probe of who may call it needs.
 */
function firstOfStream(client: Client, localName: string) {
  const open = (client as unknown as Record<string, (...args: unknown[]) => ClientReadableStream<unknown>>)[localName]!;
  return function (this: Client, request: unknown, metadata: Metadata, options: object, callback: Callback) {
    firstMessage(serverStreamOf(open.call(this, request, metadata, options))).then(
      (message) => callback(null, message),
      (error: ServiceError) => callback(error, undefined),
    );
  };
}
