/**
 * Garbage on the gRPC port below the RPC layer: random TCP bytes, truncated HTTP/2 prefaces,
 * HTTP/1 and TLS openings, garbage HTTP/2 frames, valid HTTP/2 streams carrying garbage gRPC
 * frames, and a length prefix claiming 4 GB. None of it takes the server down: health stays
 * SERVING and real calls keep working.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LicensingService } from '@acme/contracts';
import { checkHealth, GrpcStatus } from '@acme/grpc';
import { badInputService } from './bad-input-service.js';
import { REASONS_BY_CODE } from './documented-outcomes.js';
import { expectStillServing, SEED, WIRE_RUNS_PER_RPC } from './properties.js';
import { grpcFrame, sendGrpcBody, sendTcpBytes } from './raw-connections.js';
import { concat } from './wire-bytes.js';

const service = await badInputService('bad_input_raw_wire');
const text = (s: string) => new TextEncoder().encode(s);
const PREFACE = text('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const METHOD_NAMES = LicensingService.methods.map((m) => m.name);

/** An HTTP/2 frame header (length, type, flags, stream id) and a payload that may not match it. */
const http2Frame = fc
  .record({
    length: fc.oneof(fc.nat(64), fc.constant(0xffffff)),
    type: fc.nat(255),
    flags: fc.nat(255),
    streamId: fc.oneof(fc.constantFrom(0, 1, 3), fc.nat()),
    payload: fc.uint8Array({ maxLength: 64 }),
  })
  .map((f) =>
    concat(
      new Uint8Array([
        f.length >> 16,
        (f.length >> 8) & 0xff,
        f.length & 0xff,
        f.type,
        f.flags,
        (f.streamId >>> 24) & 0x7f,
        (f.streamId >>> 16) & 0xff,
        (f.streamId >>> 8) & 0xff,
        f.streamId & 0xff,
      ]),
      f.payload,
    ),
  );

const opening = fc.oneof(
  fc.constant(new Uint8Array()),
  fc.integer({ min: 1, max: PREFACE.length - 1 }).map((n) => PREFACE.subarray(0, n)),
  fc.constant(PREFACE),
  fc.constantFrom(
    text('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    text('POST /acme.licensing.v1.LicensingService/GetAccount HTTP/1.1\r\n\r\n'),
    new Uint8Array([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]),
  ),
);
const afterOpening = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }),
  fc.array(http2Frame, { maxLength: 8 }).map((frames) => concat(...frames)),
);

/**
 * What may answer a garbage body: a documented refusal when the body is exactly one gRPC message
 * (our code decides), and grpc-js's own UNIMPLEMENTED ("Received no request message", "Received a
 * second request message") when the framing does not hold exactly one message. Never INTERNAL,
 * UNKNOWN or silence.
 */
const DOCUMENTED = new Set([GrpcStatus.OK, ...Object.keys(REASONS_BY_CODE).map(Number)]);

interface GarbageBody {
  bytes: Uint8Array;
  /** The framing holds exactly one complete message, so the service itself answers. */
  oneMessage: boolean;
}

const garbageBody: fc.Arbitrary<GarbageBody> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((payload) => ({ bytes: grpcFrame(payload), oneMessage: true })),
  // Flag 1 without a grpc-encoding header is read as identity; any other flag byte as uncompressed.
  fc
    .tuple(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 255 }))
    .map(([payload, compressed]) => ({ bytes: grpcFrame(payload, { compressed }), oneMessage: true })),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max: 1 << 20 }))
    .map(([payload, more]) => ({
      bytes: grpcFrame(payload, { claimedLength: payload.length + more }),
      oneMessage: false,
    })),
  fc
    .array(fc.uint8Array({ maxLength: 16 }), { minLength: 2, maxLength: 3 })
    .map((payloads) => ({ bytes: concat(...payloads.map((p) => grpcFrame(p))), oneMessage: false })),
  fc.uint8Array({ maxLength: 4 }).map((bytes) => ({ bytes, oneMessage: false })),
);

describe.skipIf(service.skip)('garbage on the gRPC port', () => {
  it('random bytes, truncated prefaces and garbage HTTP/2 frames leave health SERVING', async () => {
    await fc.assert(
      fc.asyncProperty(opening, afterOpening, async (start, rest) => {
        await sendTcpBytes(service.address, concat(start, rest));
        expect(await checkHealth(service.address)).toBe('SERVING');
      }),
      { seed: SEED, numRuns: WIRE_RUNS_PER_RPC * 5 },
    );
  }, 120_000);

  it('garbage gRPC frames on valid HTTP/2 streams get a documented status and change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHOD_NAMES), garbageBody, async (method, body) => {
        const before = await service.snapshots.take();
        const { grpcStatus } = await sendGrpcBody(service.address, method, body.bytes, service.token('gotoAdmin'));
        expect(grpcStatus, `${method}: no status`).not.toBeNull();
        if (body.oneMessage) expect(DOCUMENTED, `${method}: ${GrpcStatus[grpcStatus!]}`).toContain(grpcStatus);
        else
          expect([...DOCUMENTED, GrpcStatus.UNIMPLEMENTED], `${method}: ${GrpcStatus[grpcStatus!]}`).toContain(
            grpcStatus,
          );
        if (grpcStatus !== GrpcStatus.OK) expect(await service.snapshots.take()).toEqual(before);
      }),
      { seed: SEED, numRuns: WIRE_RUNS_PER_RPC * 5 },
    );
  }, 120_000);

  it.each(METHOD_NAMES)(
    '%s: a length prefix claiming 4 GB is RESOURCE_EXHAUSTED at once, even with the stream left open',
    async (method) => {
      const outcome = await sendGrpcBody(
        service.address,
        method,
        grpcFrame(new Uint8Array(16), { claimedLength: 0xffffffff }),
        service.token('gotoAdmin'),
        { endStream: false },
      );
      expect(outcome.grpcStatus).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    },
  );

  it('leaves the server serving', () => expectStillServing(service));
});
