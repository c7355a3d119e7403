import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { GetSeatUsageResponseSchema } from '@acme/contracts';
import { answerJson } from './answer-json.js';

describe('answerJson', () => {
  it('prints zero counts and empty lists, which proto3 JSON would leave out', () => {
    const answer = create(GetSeatUsageResponseSchema, {
      products: [{ productId: 'goto_meeting', purchased: 10, assigned: 0, available: 10 }],
    });
    const printed = JSON.parse(answerJson(GetSeatUsageResponseSchema, answer)) as {
      products: Record<string, unknown>[];
    };
    expect(printed.products[0]).toEqual({
      productId: 'goto_meeting',
      purchased: 10,
      assigned: 0,
      available: 10,
      pendingFromSales: 0,
    });
  });
});
