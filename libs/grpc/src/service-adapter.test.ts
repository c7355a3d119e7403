import { create, fromBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ListAssignmentsResponseSchema, LicensingService } from '@acme/contracts';
import { deepFreeze, frozenSize, toServiceDefinition } from './service-adapter.js';

const listAssignments = toServiceDefinition(LicensingService).listAssignments!;
const response = () =>
  create(ListAssignmentsResponseSchema, {
    assignments: [{ id: 'asg_1', userId: 'usr_1', productId: 'goto_meeting', features: { hd_video: true } }],
    nextPageToken: 'next',
  });

describe('service definition from the descriptor', () => {
  it('measures a kept response by its encoded size, and freezes it', () => {
    const kept = response();
    expect(frozenSize(ListAssignmentsResponseSchema, kept)).toBe(listAssignments.responseSerialize(response()).length);
    expect(Object.isFrozen(kept)).toBe(true);
    expect(fromBinary(ListAssignmentsResponseSchema, listAssignments.responseSerialize(kept))).toEqual(response());
  });

  it('encodes a response that may still change on every call', () => {
    const message = response();
    const first = listAssignments.responseSerialize(message);
    message.nextPageToken = 'changed';
    expect(fromBinary(ListAssignmentsResponseSchema, listAssignments.responseSerialize(message)).nextPageToken).toBe(
      'changed',
    );
    expect(first).not.toBe(listAssignments.responseSerialize(message));
  });

  it('freezes every nested message, so no call can change a kept response', () => {
    const frozen = deepFreeze(response());
    expect(Object.isFrozen(frozen.assignments[0])).toBe(true);
    expect(Object.isFrozen(frozen.assignments[0]!.features)).toBe(true);
    expect(() => ((frozen.assignments[0] as { userId: string }).userId = 'usr_2')).toThrow(TypeError);
  });
});
