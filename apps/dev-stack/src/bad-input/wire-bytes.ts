/**
 * Request bodies a generated client cannot produce, built byte by byte: strings that are not
 * UTF-8 (at any string field, nested ones included), garbled and truncated encodings, unknown
 * fields and wire types, and messages of an exact size.
 */
import fc from 'fast-check';
import { create, ScalarType, toBinary, type DescField, type DescMessage } from '@bufbuild/protobuf';
import type { RequestBody } from './arbitraries.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const isUtf8 = (bytes: Uint8Array) => {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/** Overlong NUL, lone continuation bytes, encoded surrogates, truncated sequences, bytes never valid in UTF-8. */
const KNOWN_BAD = [
  [0xc0, 0x80],
  [0x80],
  [0xbf],
  [0xc3, 0x28],
  [0xe2, 0x28, 0xa1],
  [0xed, 0xa0, 0x80],
  [0xf0, 0x28, 0x8c, 0xbc],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfe],
  [0xff],
  [0xe2, 0x82],
];

export const invalidUtf8: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.string({ maxLength: 6 }),
    fc.oneof(
      fc.constantFrom(...KNOWN_BAD).map((b) => new Uint8Array(b)),
      fc.uint8Array({ minLength: 1, maxLength: 12 }).filter((b) => !isUtf8(b)),
    ),
    fc.string({ maxLength: 6 }),
  )
  .map(([before, bad, after]) => concat(new TextEncoder().encode(before), bad, new TextEncoder().encode(after)));

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function varint(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

/** One length-delimited field: tag, length, payload. */
export const lengthDelimited = (fieldNo: number, payload: Uint8Array): Uint8Array =>
  concat(new Uint8Array([...varint((fieldNo << 3) | 2), ...varint(payload.length)]), payload);

/** A string field of the request, where invalid UTF-8 can go: its wire path and the BadRequest path it must be reported at. */
export interface StringTarget {
  /** Field numbers from the request down to the string (one for top-level fields, two for a field of a repeated message). */
  numbers: number[];
  /** The path a precise refusal names, e.g. `products[0].product_id`. */
  path: string;
}

const isString = (field: DescField) =>
  (field.fieldKind === 'scalar' || field.fieldKind === 'list') && field.scalar === ScalarType.STRING;

/** Every string field of a request message and of the messages it holds (one level down). */
export function stringTargets(schema: DescMessage): StringTarget[] {
  const targets: StringTarget[] = [];
  for (const field of schema.fields) {
    if (isString(field))
      targets.push({ numbers: [field.number], path: field.fieldKind === 'list' ? `${field.name}[0]` : field.name });
    if (field.fieldKind === 'message' || (field.fieldKind === 'list' && field.listKind === 'message')) {
      for (const inner of field.message!.fields.filter(isString)) {
        targets.push({
          numbers: [field.number, inner.number],
          path: `${field.name}${field.fieldKind === 'list' ? '[0]' : ''}.${inner.name}${inner.fieldKind === 'list' ? '[0]' : ''}`,
        });
      }
    }
    // A map entry is a message of key (1) and value (2); a bad key is reported at the map field.
    if (field.fieldKind === 'map' && field.mapKey === ScalarType.STRING)
      targets.push({ numbers: [field.number, 1], path: field.name });
  }
  return targets;
}

/** The request bytes with `payload` at the target, nested in as many length-delimited layers as it takes. */
export const placeAt = (target: StringTarget, payload: Uint8Array): Uint8Array =>
  target.numbers.reduceRight((inner, no) => lengthDelimited(no, inner), payload);

/** Garbage that looks like protobuf: random field numbers and wire types, some lengths lying about what follows. */
export const garbledEncoding: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc
    .array(
      fc.record({
        fieldNo: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(0, 19_000, 536_870_911)),
        wireType: fc.integer({ min: 0, max: 7 }),
        payload: fc.uint8Array({ maxLength: 12 }),
        claimedLength: fc.option(fc.nat(1 << 30)),
      }),
      { minLength: 1, maxLength: 6 },
    )
    .map((fields) =>
      concat(
        ...fields.map(
          (f) =>
            new Uint8Array([
              ...varint((f.fieldNo << 3) | f.wireType),
              ...(f.wireType === 2 ? varint(f.claimedLength ?? f.payload.length) : []),
              ...f.payload,
            ]),
        ),
      ),
    ),
);

/** A valid encoding of a generated request, then cut short or followed by unknown fields. */
export const validThenBroken = (schema: DescMessage, body: RequestBody, cut: number, extra: Uint8Array): Uint8Array => {
  const bytes = toBinary(schema, create(schema, body as never));
  return concat(bytes.subarray(0, Math.max(0, bytes.length - cut)), extra);
};
