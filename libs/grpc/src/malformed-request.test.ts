/**
 * Found by the bad-input properties (apps/dev-stack/src/bad-input): request bytes that do not
 * decode (invalid UTF-8 in a string field, a truncated or garbled encoding) were answered by
 * grpc-js with INTERNAL "Error deserializing request". They are INVALID_ARGUMENT naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { create, toBinary } from '@bufbuild/protobuf';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { CreateUserRequestSchema, LicensingService } from '@acme/contracts';
import { locateDecodeFailure } from './malformed-request.js';
import { GrpcServer } from './server.js';
import { unimplementedHandlers } from './service-adapter.js';
import { decodeGrpcError } from './status-mapping.js';

const INVALID_UTF8 = [0xc3, 0x28];
/** A length-delimited field: tag, length, payload. */
const field = (no: number, payload: number[]) => [(no << 3) | 2, payload.length, ...payload];
const valid = (init: Parameters<typeof create<typeof CreateUserRequestSchema>>[1]) => [
  ...toBinary(CreateUserRequestSchema, create(CreateUserRequestSchema, init)),
];

describe('locateDecodeFailure', () => {
  it.each([
    ['a top-level string', field(3, INVALID_UTF8), 'display_name', 'must be valid UTF-8'],
    [
      'an entry of a repeated string',
      [...field(4, [0x61]), ...field(4, INVALID_UTF8)],
      'roles[1]',
      'must be valid UTF-8',
    ],
    [
      'a string in a repeated message',
      [...valid({ products: [{ productId: 'goto_meeting' }] }), ...field(6, field(1, INVALID_UTF8))],
      'products[1].product_id',
      'must be valid UTF-8',
    ],
    ['a map key', field(6, field(2, field(1, INVALID_UTF8))), 'products[0].features', 'must be valid UTF-8'],
    ['a string sent as a number', [(3 << 3) | 0, 1], 'display_name', 'is not a valid protobuf encoding'],
    ['a length past the end', [(2 << 3) | 2, 100, 0x61], 'email', 'is not a valid protobuf encoding'],
    ['an illegal wire type', [(1 << 3) | 7], '', 'is not a valid protobuf encoding'],
  ])('names %s', (_what, bytes, path, problem) => {
    expect(locateDecodeFailure(CreateUserRequestSchema, new Uint8Array(bytes))).toEqual({ path, problem });
  });

  it('finds nothing wrong in a valid request with unknown fields', () => {
    expect(
      locateDecodeFailure(
        CreateUserRequestSchema,
        new Uint8Array([...valid({ email: 'a@b.io', roles: ['member'] }), ...field(99, [1, 2, 3])]),
      ),
    ).toBeNull();
  });
});

describe('a request that does not decode, over the socket', () => {
  let server: GrpcServer;
  let client: Client;

  beforeAll(async () => {
    server = new GrpcServer({
      logger: pino({ level: 'silent' }),
      maxResponseBytes: 64 * 1024,
      maxRequestBytes: 64 * 1024,
      maxCallMs: 5000,
    });
    server.addService({
      descriptor: LicensingService,
      authenticate: async () => ({ subject: 'usr_test' }),
      handlers: unimplementedHandlers(LicensingService),
    });
    client = new Client(`127.0.0.1:${await server.listen('127.0.0.1', 0)}`, credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await server?.shutdown(1000);
  });

  const callRaw = (bytes: number[]) =>
    new Promise<ServiceError>((resolve) => {
      const same = (b: Buffer) => b;
      client.makeUnaryRequest(
        '/acme.licensing.v1.LicensingService/CreateUser',
        same,
        same,
        Buffer.from(bytes),
        new Metadata(),
        (error) => resolve(error!),
      );
    });

  it('is INVALID_ARGUMENT naming the field, not INTERNAL', async () => {
    const decoded = decodeGrpcError(await callRaw(field(3, INVALID_UTF8)));
    expect(decoded).toMatchObject({ code: status.INVALID_ARGUMENT, errorInfo: { reason: 'INVALID_ARGUMENT' } });
    expect(decoded.badRequest!.fieldViolations.map((v) => [v.field, v.description])).toEqual([
      ['display_name', 'must be valid UTF-8'],
    ]);
  });

  it('is INVALID_ARGUMENT for garbage the decoder cannot place', async () => {
    expect(decodeGrpcError(await callRaw([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      errorInfo: { reason: 'INVALID_ARGUMENT' },
    });
  });
});
