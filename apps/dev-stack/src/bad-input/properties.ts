/**
 * The property every RPC is held to, and the seed and run counts of the bad-input suite.
 * Fixed seed: a failure reproduces exactly (fast-check prints the seed and the shrunk path);
 * BAD_INPUT_SEED explores other inputs, BAD_INPUT_RUNS scales every run count.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { checkHealth, GrpcStatus } from '@acme/grpc';
import type { BadInputService, CallOutcome } from './bad-input-service.js';
import { generatedCall, type RequestBody } from './arbitraries.js';
import { expectDocumentedOutcome } from './documented-outcomes.js';

export const SEED = Number(process.env.BAD_INPUT_SEED ?? 20_261_207);
const SCALE = Number(process.env.BAD_INPUT_RUNS_SCALE ?? 1);
/** Requests per RPC built by the generated client (typed fields, every value hostile or boundary). */
export const TYPED_RUNS_PER_RPC = Math.round(150 * SCALE);
/** Requests per RPC and per kind of hand-made wire bytes (invalid UTF-8, garbled encodings). */
export const WIRE_RUNS_PER_RPC = Math.round(40 * SCALE);

export interface OutcomeProperty<T> {
  method: string;
  inputs: fc.Arbitrary<T>;
  send: (input: T) => Promise<CallOutcome>;
  /** Whether this input may change the tables when it succeeds (a real, non-dry-run mutation). */
  mayWrite: (input: T) => boolean;
  /** Checks beyond "documented": e.g. the exact status a kind of input must get. */
  expectMore?: (input: T, outcome: CallOutcome) => void;
  runs: number;
}

/**
 * Over the socket, every input gets success or a documented refusal, and a refusal (or any input
 * that may not write) leaves every table exactly as it was.
 */
export async function assertOutcomesChangeNothing<T>(
  service: BadInputService,
  property: OutcomeProperty<T>,
): Promise<void> {
  const seen = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(property.inputs, async (input) => {
      const before = await service.snapshots.take();
      const outcome = await property.send(input);
      const key = `${GrpcStatus[outcome.code]}${outcome.status?.errorInfo ? `/${outcome.status.errorInfo.reason}` : ''}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      expectDocumentedOutcome(property.method, outcome);
      property.expectMore?.(input, outcome);
      if (outcome.code !== GrpcStatus.OK || !property.mayWrite(input)) {
        expect(
          await service.snapshots.take(),
          `${property.method} changed the database (${GrpcStatus[outcome.code]})`,
        ).toEqual(before);
      }
    }),
    { seed: SEED, numRuns: property.runs },
  );
  // How deep the inputs reached (which checks refused them): BAD_INPUT_REPORT=1 prints it.
  if (process.env.BAD_INPUT_REPORT)
    console.log(
      `${property.method}: ${[...seen]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
}

/** Typed requests from the generated client, by a generated caller. */
export function assertBadRequestsChangeNothing(
  service: BadInputService,
  method: string,
  requests: fc.Arbitrary<RequestBody>,
  options: { readOnly: boolean },
): Promise<void> {
  return assertOutcomesChangeNothing(service, {
    method,
    inputs: generatedCall(method, requests),
    send: ({ caller, body }) => service.call(method, body, caller),
    mayWrite: ({ body }) => !options.readOnly && body.validateOnly !== true,
    runs: TYPED_RUNS_PER_RPC,
  });
}

/** The server survived: health says SERVING and a real call answers. */
export async function expectStillServing(service: BadInputService): Promise<void> {
  expect(await checkHealth(service.address)).toBe('SERVING');
  expect((await service.call('GetAccount', {})).code).toBe(GrpcStatus.OK);
}
