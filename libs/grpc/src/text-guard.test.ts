import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { CreateUserRequestSchema } from '@acme/contracts';
import { nulCharacterFields } from './text-guard.js';

describe('nulCharacterFields', () => {
  it('names every string holding U+0000, in nested messages, lists and map keys', () => {
    const request = create(CreateUserRequestSchema, {
      email: 'a\u0000@x.io',
      displayName: 'fine',
      roles: ['member', 'ad\u0000min'],
      products: [
        { productId: 'goto_meeting', features: { ok: true } },
        { productId: 'goto\u0000', features: { 'hd\u0000video': true } },
      ],
    });
    expect(nulCharacterFields(CreateUserRequestSchema, request)).toEqual([
      'email',
      'roles[1]',
      'products[1].product_id',
      'products[1].features.hd\\0video',
    ]);
  });

  it('finds nothing in ordinary text, however strange', () => {
    expect(
      nulCharacterFields(
        CreateUserRequestSchema,
        create(CreateUserRequestSchema, { displayName: '\u202E😀\uFFFF\u0001' }),
      ),
    ).toEqual([]);
  });
});
