/**
 * Every reading RPC over the real socket with generated invalid, boundary and hostile requests
 * (forged page tokens, absurd page sizes, unknown enum values, other accounts): only documented
 * status codes, and no table ever changes.
 */
import { describe, expect, it } from 'vitest';
import { LicensingService } from '@acme/contracts';
import { MUTATIONS, READS, requestArbitraries } from './arbitraries.js';
import { badInputService } from './bad-input-service.js';
import { assertBadRequestsChangeNothing, expectStillServing } from './properties.js';

const service = await badInputService('bad_input_reads');

describe.skipIf(service.skip)('bad input to every read', () => {
  it('covers every RPC of the service between reads and mutations', () => {
    expect([...READS, ...MUTATIONS].sort()).toEqual(LicensingService.methods.map((m) => m.name).sort());
    expect(Object.keys(requestArbitraries(service.known)).sort()).toEqual([...READS, ...MUTATIONS].sort());
  });

  it.each(READS)(
    '%s: documented refusals only, and nothing changes',
    async (method) => {
      await assertBadRequestsChangeNothing(service, method, requestArbitraries(service.known)[method]!, {
        readOnly: true,
      });
    },
    120_000,
  );

  it('leaves the server serving', () => expectStillServing(service));
});
