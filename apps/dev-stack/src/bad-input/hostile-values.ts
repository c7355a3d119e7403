/**
 * Field-level values a careless or hostile caller sends: empty and huge strings, control and
 * invisible characters, injection text, boundaries of every documented limit, ids of the other
 * account and ids that exist nowhere, unknown enum numbers. Request arbitraries mix these with a
 * few valid values, so some requests get deep into the handlers before they are refused.
 */
import fc from 'fast-check';

/** Lengths around the documented limits (64, 200, 512, 1000 characters) and far beyond them. */
const HUGE_LENGTHS = [65, 201, 513, 1001, 65_537, 1_048_576];

const NASTY_TEXT = [
  ' ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[2J',
  '\uFFFD',
  '\uFEFF',
  '\u202Eevil',
  '\u00A0',
  '\u200B',
  'null',
  'undefined',
  'NaN',
  '-1',
  "'; drop table app_user; --",
  '" or 1=1 --',
  '%s%s%n',
  '../../etc/passwd',
  '${jndi:ldap://x/a}',
  '<script>alert(1)</script>',
  'é',
  'ﬃ',
  '😀',
  '\uD800',
  'a\uDC00b',
];

/** Characters that are valid UTF-8 yet break naive storage or display: NUL, escapes, noncharacters, bidi overrides. */
const NASTY_CHARACTERS = [
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\uFFFF',
  '\uFFFE',
  '\u202E',
  '\u2028',
  '\uFEFF',
  '\uD83D\uDE00',
];

/** Any hostile text: empty, nasty, ordinary text with a nasty character inside, random code points (lone surrogates included), or huge. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_TEXT),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...NASTY_CHARACTERS), fc.string({ maxLength: 8 }))
    .map((parts) => `Q${parts.join('')}`),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom(...HUGE_LENGTHS).chain((n) => fc.constantFrom('x', 'é', '😀', '\u0000').map((c) => c.repeat(n))),
);

/** An id of the given kind: a known one, another account's, a well-formed unknown one, or hostile text. */
export function idOf(prefix: string, known: readonly string[], otherAccount: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: fc.constantFrom(...otherAccount) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `${prefix}_does_not_exist`,
        `${prefix}_`,
        `${prefix}_${'a'.repeat(60)}`,
        `${prefix}_${'a'.repeat(61)}`,
        `${prefix.toUpperCase()}_x`,
        `x${prefix}_y`,
        `${prefix}_a-b`,
      ),
    },
    { weight: 2, arbitrary: hostileText },
  );
}

export const GOTO_PRODUCTS = ['goto_connect_standard', 'goto_contact_center', 'goto_meeting'] as const;
export const ZENDESK_PRODUCTS = [
  'zendesk_support',
  'zendesk_guide',
  'zendesk_chat',
  'zendesk_talk',
  'zendesk_explore',
  'zendesk_sell',
  'zendesk_sell_reach',
] as const;

export const productId: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...GOTO_PRODUCTS) },
  { weight: 2, arbitrary: fc.constantFrom(...ZENDESK_PRODUCTS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('no_such_product', 'GOTO_MEETING', 'goto-meeting', 'g', `g${'a'.repeat(64)}`),
  },
  { weight: 2, arbitrary: hostileText },
);

/** Ids short enough to repeat thousands of times (10,000 huge strings would be gigabytes in the test itself). */
const shortProductId = productId.filter((p) => p.length <= 100);

/** Product lists: short ones, the same product twice, and far over the 20-product limit. */
export const productList: fc.Arbitrary<string[]> = fc.oneof(
  fc.array(productId, { maxLength: 4 }),
  productId.map((p) => [p, p]),
  fc.tuple(fc.constantFrom(21, 1000, 10_000), shortProductId).map(([n, p]) => Array.from({ length: n }, () => p)),
  fc.tuple(fc.constantFrom(21, 1000), shortProductId).map(([n, p]) => Array.from({ length: n }, (_, i) => `${p}${i}`)),
);

const FEATURES = [
  'hd_video',
  'cloud_recording',
  'phone_number',
  'voicemail',
  'call_recording',
  'supervisor_dashboard',
  'macros',
  'chat_triggers',
];

/** Feature toggles: real feature names, another product's, and hostile names. */
export const features: fc.Arbitrary<Record<string, boolean>> = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom(...FEATURES), hostileText), fc.boolean(), { maxKeys: 4 }),
  fc
    .constantFrom(100, 5000)
    .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`feature_${i}`, true]))),
);

const INT32_EDGES = [
  -2_147_483_648, -10_001, -1, 0, 1, 2, 499, 500, 501, 9_999, 10_000, 10_001, 999_999, 1_000_000, 1_000_001,
  2_147_483_647,
];

/** Seat counts, quantities and page sizes: every documented edge, and any int32. */
export const int32: fc.Arbitrary<number> = fc.oneof(fc.constantFrom(...INT32_EDGES), fc.integer());

export const int64: fc.Arbitrary<bigint> = fc.oneof(
  fc.constantFrom(-(2n ** 63n), -1n, 0n, 900n, 1400n, 2700n, 5500n, 2n ** 53n + 1n, 2n ** 63n - 1n),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
);

/** An enum field: each defined value, and numbers the contract does not define. */
export const enumValue = (defined: number): fc.Arbitrary<number> =>
  fc.oneof(
    fc.integer({ min: 0, max: defined - 1 }),
    fc.constantFrom(defined, 99, -1, 2_147_483_647, -2_147_483_648),
    fc.integer(),
  );

export const idempotencyKey: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.uuid(),
  fc.constantFrom('k', 'a.b:c-d_e', 'k'.repeat(200), 'k'.repeat(201), 'has space', 'ключ', 'key\u0000', 'key/slash'),
  hostileText,
);

const base64url = (text: string) => Buffer.from(text).toString('base64url');

/** Page tokens: forged ones that decode to hostile text, over-long ones, and non-base64 text. */
export const pageToken: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc
    .constantFrom(
      'v1:usr_demo_goto_admin',
      'v1:',
      'v1:\u0000',
      'v1:\uFFFF',
      'a1:0:',
      'a1:0:\u0000',
      'a1:999999999999999:aud_x',
      'a1:1:x\u0000y',
      'v2:x',
    )
    .map(base64url),
  fc.string({ unit: 'binary', maxLength: 30 }).map((s) => base64url(`v1:${s}`)),
  fc.string({ unit: 'binary', maxLength: 30 }).map((s) => base64url(`a1:${s.length}:${s}`)),
  fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b).toString('base64url')),
  fc.constantFrom(512, 513, 100_000).map((n) => 'A'.repeat(n)),
  hostileText,
);

export const money: fc.Arbitrary<{ currencyCode: string; amountMinor: bigint } | undefined> = fc.option(
  fc.record({
    currencyCode: fc.oneof(fc.constantFrom('USD', 'EUR', 'usd', 'US', 'USDX', ''), hostileText),
    amountMinor: int64,
  }),
  { nil: undefined },
);
