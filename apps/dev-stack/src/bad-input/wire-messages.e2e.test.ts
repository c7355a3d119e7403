/**
 * Every RPC over the real socket with request bytes no generated client sends (a raw grpc-js
 * call with a passthrough serializer): strings that are not UTF-8, garbled and truncated
 * encodings, unknown fields, and messages one byte over GRPC_MAX_REQUEST_BYTES.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LicensingService } from '@acme/contracts';
import { GrpcStatus } from '@acme/grpc';
import { MUTATIONS, requestArbitraries } from './arbitraries.js';
import { badInputService } from './bad-input-service.js';
import { assertOutcomesChangeNothing, expectStillServing, WIRE_RUNS_PER_RPC } from './properties.js';
import {
  garbledEncoding,
  invalidUtf8,
  lengthDelimited,
  placeAt,
  stringTargets,
  validThenBroken,
} from './wire-bytes.js';

const service = await badInputService('bad_input_wire');
const METHODS = LicensingService.methods;
/** Unknown to every request message. */
const UNKNOWN_FIELD = 15;

describe.skipIf(service.skip)('request bytes no client library would send', () => {
  it.each(METHODS.filter((m) => stringTargets(m.input).length > 0).map((m) => [m.name, m] as const))(
    '%s: invalid UTF-8 in any string field is INVALID_ARGUMENT naming that field',
    async (name, method) => {
      await assertOutcomesChangeNothing(service, {
        method: name,
        inputs: fc.tuple(fc.constantFrom(...stringTargets(method.input)), invalidUtf8),
        send: ([target, bytes]) => service.callRaw(name, placeAt(target, bytes)),
        mayWrite: () => false,
        expectMore: ([target], outcome) => {
          expect(outcome.code, outcome.status?.message).toBe(GrpcStatus.INVALID_ARGUMENT);
          expect(outcome.status!.badRequest!.fieldViolations.map((v) => [v.field, v.description])).toEqual([
            [target.path, 'must be valid UTF-8'],
          ]);
        },
        runs: WIRE_RUNS_PER_RPC,
      });
    },
    60_000,
  );

  it.each(METHODS.map((m) => [m.name, m] as const))(
    '%s: garbled, truncated and padded encodings get documented refusals and change nothing',
    async (name, method) => {
      const broken = fc.oneof(
        garbledEncoding,
        fc
          .tuple(
            requestArbitraries(service.known)[name]!,
            fc.nat(8),
            fc.oneof(
              garbledEncoding,
              invalidUtf8.map((b) => lengthDelimited(UNKNOWN_FIELD, b)),
            ),
          )
          .map(([body, cut, extra]) => validThenBroken(method.input, body, cut, extra)),
      );
      await assertOutcomesChangeNothing(service, {
        method: name,
        inputs: broken,
        send: (bytes) => service.callRaw(name, bytes),
        // Garbage can decode into a valid request by chance; only then may a mutation write.
        mayWrite: () => MUTATIONS.includes(name),
        runs: WIRE_RUNS_PER_RPC,
      });
    },
    60_000,
  );

  it.each(METHODS.map((m) => [m.name] as const))(
    '%s: one byte over GRPC_MAX_REQUEST_BYTES is RESOURCE_EXHAUSTED REQUEST_TOO_LARGE, at the limit it reaches the service',
    async (name) => {
      // An unknown field filled to the byte: tag (1 byte) + varint length + filler, `size` bytes in all.
      const ofSize = (size: number) => {
        for (let filler = size - 2; filler > 0; filler--) {
          const bytes = lengthDelimited(UNKNOWN_FIELD, new Uint8Array(filler).fill(0x61));
          if (bytes.length === size) return bytes;
        }
        throw new Error(`no unknown field of exactly ${size} bytes`);
      };
      const before = await service.snapshots.take();
      const over = await service.callRaw(name, ofSize(service.maxRequestBytes + 1));
      expect(over.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
      expect(over.status?.errorInfo).toMatchObject({
        reason: 'REQUEST_TOO_LARGE',
        metadata: { max_bytes: String(service.maxRequestBytes) },
      });
      // Beyond the transport's own limit grpc-js refuses before our code runs: no ErrorInfo (docs/security.md).
      const farOver = await service.callRaw(name, ofSize(service.maxRequestBytes * 4 + 1));
      expect(farOver.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
      const atLimit = await service.callRaw(name, ofSize(service.maxRequestBytes));
      expect(atLimit.code, atLimit.status?.message).not.toBe(GrpcStatus.RESOURCE_EXHAUSTED);
      expect(await service.snapshots.take()).toEqual(before);
    },
    30_000,
  );

  it('leaves the server serving', () => expectStillServing(service));
});
