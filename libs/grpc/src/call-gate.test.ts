/**
 * What a call costs before it is admitted, over a real socket: the caller is authenticated from
 * its metadata before a byte of its request is read, a request must arrive within the receive
 * timeout, and an oversized one is refused with the project's error model.
 */
import { gzipSync } from 'node:zlib';
import { connect as connectHttp2, type ClientHttp2Session } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { create, toBinary } from '@bufbuild/protobuf';
import { LicensingService, ListUsersRequestSchema } from '@acme/contracts';
import { AppError } from '@acme/util';
import { Metadata, status } from '@grpc/grpc-js';
import { GrpcServer } from './server.js';
import { unimplementedHandlers } from './service-adapter.js';
import { createClient } from './client.js';
import { decodeGrpcError } from './status-mapping.js';

const MAX_REQUEST = 16 * 1024;
let server: GrpcServer;
let address: string;
/** Every authenticate call, and the requests handlers saw. */
let authentications = 0;
let seenRequests: { unknownFields: number }[] = [];

beforeAll(async () => {
  server = new GrpcServer({
    logger: pino({ level: 'silent' }),
    maxResponseBytes: 65536,
    maxRequestBytes: MAX_REQUEST,
    maxCallMs: 5000,
    receiveTimeoutMs: 500,
  });
  server.addService({
    descriptor: LicensingService,
    authenticate: async (metadata: Metadata) => {
      authentications += 1;
      if (metadata.get('authorization')[0] !== 'Bearer good')
        throw new AppError('unauthenticated', 'bad token', { reason: 'UNAUTHENTICATED' });
      return { subject: 'usr_test' };
    },
    maxRequestBytes: { createUser: 2 * MAX_REQUEST },
    handlers: {
      ...unimplementedHandlers(LicensingService),
      listUsers: async (request) => {
        seenRequests.push({ unknownFields: (request as { $unknown?: unknown[] }).$unknown?.length ?? 0 });
        return { users: [] };
      },
      createUser: async () => ({}),
    },
  });
  address = `127.0.0.1:${await server.listen('127.0.0.1', 0)}`;
});
afterAll(() => server.shutdown(1000));

interface RawOutcome {
  grpcStatus: number | null;
  reason?: string;
}

/** A unary call with exactly these headers and body frames on a fresh HTTP/2 connection. */
function rawCall(
  path: string,
  headers: Record<string, string>,
  body: Buffer | null,
  endStream = true,
): Promise<RawOutcome> {
  const session: ClientHttp2Session = connectHttp2(`http://${address}`);
  session.on('error', () => undefined);
  return new Promise<RawOutcome>((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    const timer = setTimeout(() => reject(new Error('no answer within 20 s')), 20_000);
    const read = (h: Record<string, unknown>) => {
      if (h['grpc-status'] === undefined) return;
      clearTimeout(timer);
      const details = h['grpc-status-details-bin'];
      resolve({
        grpcStatus: Number(h['grpc-status']),
        ...(typeof details === 'string' ? { reason: decodeReason(details) } : {}),
      });
    };
    stream.on('response', read);
    stream.on('trailers', read);
    stream.on('error', () => undefined);
    stream.resume();
    if (body === null) {
      if (endStream) stream.end();
    } else if (endStream) stream.end(body);
    else stream.write(body);
  }).finally(() => session.destroy());
}

function decodeReason(details: string): string | undefined {
  const error = Object.assign(new Error(), { code: 0, details: '', metadata: new Metadata() });
  error.metadata.set('grpc-status-details-bin', Buffer.from(details, 'base64'));
  return decodeGrpcError(error).errorInfo?.reason;
}

/** A gRPC length-prefixed message: compressed flag, 4-byte length, payload. */
function frame(payload: Buffer, compressed = false): Buffer {
  const header = Buffer.alloc(5);
  header[0] = compressed ? 1 : 0;
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** Field 15 (unknown to every request), wire type varint, value 0: two bytes, repeated. */
const unknownFields = (pairs: number) => Buffer.alloc(pairs * 2, Buffer.from([0x78, 0x00]));
const LIST_USERS = '/acme.licensing.v1.LicensingService/ListUsers';

describe('the call gate', () => {
  it('refuses a caller without a valid token before reading its body: a gzip bomb is never inflated', async () => {
    // 4 MiB of unknown fields, gzipped to a few KB: over the limit once inflated, and broken gzip too.
    const bomb = frame(gzipSync(unknownFields(2 * 1024 * 1024)), true);
    expect(bomb.length).toBeLessThan(16 * 1024);
    for (const authorization of [undefined, 'Bearer forged']) {
      const outcome = await rawCall(
        LIST_USERS,
        { 'grpc-encoding': 'gzip', ...(authorization ? { authorization } : {}) },
        bomb,
      );
      // Not RESOURCE_EXHAUSTED (the inflated size) nor INTERNAL (decoding): the body was never read.
      expect(outcome).toEqual({ grpcStatus: status.UNAUTHENTICATED, reason: 'UNAUTHENTICATED' });
    }
    const corrupt = await rawCall(LIST_USERS, { 'grpc-encoding': 'gzip' }, frame(Buffer.from('not gzip at all'), true));
    expect(corrupt).toEqual({ grpcStatus: status.UNAUTHENTICATED, reason: 'UNAUTHENTICATED' });
  });

  it('bounds a compressed request by its inflated size, with the project error model', async () => {
    const outcome = await rawCall(
      LIST_USERS,
      { 'grpc-encoding': 'gzip', authorization: 'Bearer good' },
      frame(gzipSync(unknownFields(MAX_REQUEST)), true),
    );
    expect(outcome).toEqual({ grpcStatus: status.RESOURCE_EXHAUSTED, reason: 'REQUEST_TOO_LARGE' });
  });

  it('refuses a request over its method limit as REQUEST_TOO_LARGE, naming the limit; a method may allow more', async () => {
    const error = await createClient(LicensingService, address, { token: 'good' })
      .listUsers({ pageToken: 'x'.repeat(MAX_REQUEST + 1) })
      .catch((e) => e);
    expect(decodeGrpcError(error)).toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      errorInfo: { reason: 'REQUEST_TOO_LARGE', metadata: { max_bytes: String(MAX_REQUEST) } },
    });
    const bigger = createClient(LicensingService, address, { token: 'good' }).createUser({
      displayName: 'x'.repeat(MAX_REQUEST + 1),
    });
    await expect(bigger).resolves.toBeDefined();
  });

  it('does not keep unknown fields of a request', async () => {
    seenRequests = [];
    const body = Buffer.concat([
      Buffer.from(toBinary(ListUsersRequestSchema, create(ListUsersRequestSchema, { pageSize: 5 }))),
      unknownFields(1000),
    ]);
    const outcome = await rawCall(LIST_USERS, { authorization: 'Bearer good' }, frame(body));
    expect(outcome.grpcStatus).toBe(status.OK);
    expect(seenRequests).toEqual([{ unknownFields: 0 }]);
  });

  it('refuses a call whose request does not arrive within the receive timeout', async () => {
    // Headers only, the stream left open: before the gate it was held for as long as the caller liked.
    const silent = await rawCall(LIST_USERS, { authorization: 'Bearer good' }, null, false);
    expect(silent).toEqual({ grpcStatus: status.DEADLINE_EXCEEDED, reason: 'REQUEST_TIMEOUT' });
    // The message sent but the request never finished (no end of stream).
    const unfinished = await rawCall(LIST_USERS, { authorization: 'Bearer good' }, frame(Buffer.alloc(0)), false);
    expect(unfinished).toEqual({ grpcStatus: status.DEADLINE_EXCEEDED, reason: 'REQUEST_TIMEOUT' });
  });

  it('authenticates once per call, and only calls of services that ask for it', async () => {
    const before = authentications;
    await createClient(LicensingService, address, { token: 'good' }).listUsers({});
    expect(authentications).toBe(before + 1);
    const health = await rawCall('/grpc.health.v1.Health/Check', {}, frame(Buffer.alloc(0)));
    expect(health.grpcStatus).toBe(status.OK);
    expect(authentications).toBe(before + 1);
  });
});
