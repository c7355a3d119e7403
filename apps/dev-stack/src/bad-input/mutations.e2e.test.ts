/**
 * Every mutating RPC over the real socket with generated invalid, boundary and hostile requests:
 * only documented status codes, and a refused call (or a dry run) changes no table.
 */
import { describe, it } from 'vitest';
import { MUTATIONS, requestArbitraries } from './arbitraries.js';
import { badInputService } from './bad-input-service.js';
import { assertBadRequestsChangeNothing, expectStillServing } from './properties.js';

const service = await badInputService('bad_input_mutations');

describe.skipIf(service.skip)('bad input to every mutation', () => {
  it.each(MUTATIONS)(
    '%s: documented refusals only, and a refusal changes nothing',
    async (method) => {
      await assertBadRequestsChangeNothing(service, method, requestArbitraries(service.known)[method]!, {
        readOnly: false,
      });
    },
    120_000,
  );

  it('leaves the server serving', () => expectStillServing(service));
});
