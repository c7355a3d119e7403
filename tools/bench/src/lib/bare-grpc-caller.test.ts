/**
 * The writes benchmark's caller against a real GrpcServer on a socket: it must see what a grpc-js
 * client sees (the decoded answer; a refusal's status, reason and details), or the benchmark could
 * count refusals or garbled answers as calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { AssignmentResultSchema, LicensingService } from '@acme/contracts';
import { create } from '@bufbuild/protobuf';
import { GrpcServer, GrpcStatus, unimplementedHandlers, type Metadata } from '@acme/grpc';
import { AppError } from '@acme/util';
import { BareGrpcCaller, BareGrpcError } from './bare-grpc-caller.js';

let server: GrpcServer;
let caller: BareGrpcCaller;

beforeAll(async () => {
  server = new GrpcServer({
    logger: pino({ level: 'silent' }),
    maxResponseBytes: 64 * 1024,
    maxRequestBytes: 64 * 1024,
    maxCallMs: 5000,
  });
  server.addService({
    descriptor: LicensingService,
    authenticate: async (metadata: Metadata) => {
      if (metadata.get('authorization')[0] !== 'Bearer good')
        throw new AppError('unauthenticated', 'bad token', { reason: 'UNAUTHENTICATED' });
      return { subject: 'usr_test' };
    },
    handlers: {
      ...unimplementedHandlers(LicensingService),
      assignLicenses: async (request) => {
        if (request.userId === 'usr_full') {
          throw new AppError('resource_exhausted', 'goto_meeting: no seat left', {
            reason: 'SEATS_EXHAUSTED',
            ruleViolations: [
              {
                type: 'seat-limits.no-assignment-beyond-purchased',
                subject: 'goto_meeting',
                description: 'every purchased seat is assigned',
              },
            ],
          });
        }
        return {
          results: request.products.map((p) =>
            create(AssignmentResultSchema, {
              assignment: { id: `asg_${request.idempotencyKey}`, userId: request.userId, productId: p.productId },
            }),
          ),
        };
      },
    },
  });
  caller = new BareGrpcCaller(`127.0.0.1:${await server.listen('127.0.0.1', 0)}`);
});
afterAll(async () => {
  caller?.close();
  await server?.shutdown(1000);
});

const assign = (userId: string, token = 'good') =>
  caller.call(
    LicensingService.method.assignLicenses,
    { userId, products: [{ productId: 'goto_meeting' }], idempotencyKey: `k-${userId}` },
    token,
  );

describe('BareGrpcCaller', () => {
  it('sends the request and decodes the answer, many calls at once on one connection', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => assign(`usr_${i}`)));
    expect(responses.map((r) => r.results[0]!.assignment!.id)).toEqual(
      Array.from({ length: 20 }, (_, i) => `asg_k-usr_${i}`),
    );
  });

  it('rejects a refusal with its status, reason and details', async () => {
    const error = await assign('usr_full').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BareGrpcError);
    expect((error as BareGrpcError).status).toMatchObject({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      message: 'goto_meeting: no seat left',
      errorInfo: { reason: 'SEATS_EXHAUSTED' },
      quotaFailure: { violations: [{ subject: 'goto_meeting' }] },
    });
  });

  it('rejects a call refused before any handler runs (a trailers-only answer)', async () => {
    const error = await assign('usr_1', 'bad').catch((e: unknown) => e);
    expect((error as BareGrpcError).status).toMatchObject({
      code: GrpcStatus.UNAUTHENTICATED,
      errorInfo: { reason: 'UNAUTHENTICATED' },
    });
  });
});
