import { fromBinary, ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { AppError } from '@acme/util';

/**
 * A request the service adapter would not decode. grpc-js answers a throwing deserializer with a
 * bare INTERNAL, so the adapter hands the server one of these markers instead, and the server
 * answers with the refusal it describes.
 */
export abstract class RefusedRequest {
  abstract toError(): AppError;
}

/** A request larger than its RPC accepts: refused on its length, before a byte of it is decoded. */
export class OversizedRequest extends RefusedRequest {
  constructor(
    readonly schema: DescMessage,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super();
  }

  toError(): AppError {
    return new AppError(
      'resource_exhausted',
      `the request is ${this.size} bytes; ${this.schema.typeName} accepts at most ${this.maxBytes}`,
      {
        reason: 'REQUEST_TOO_LARGE',
        metadata: { max_bytes: String(this.maxBytes), size_bytes: String(this.size) },
      },
    );
  }
}

/**
 * A request whose bytes did not decode (invalid UTF-8 in a string, a truncated or garbled
 * encoding): the caller gets INVALID_ARGUMENT naming the field.
 */
export class MalformedRequest extends RefusedRequest {
  constructor(
    readonly schema: DescMessage,
    readonly bytes: Uint8Array,
  ) {
    super();
  }

  toError(): AppError {
    const where = locateDecodeFailure(this.schema, this.bytes) ?? {
      path: '',
      problem: 'is not a valid protobuf encoding',
    };
    return AppError.invalidArgument(
      [{ field: where.path, description: where.problem }],
      `invalid request: not a valid ${this.schema.typeName}${where.path ? ` (${where.path} ${where.problem})` : ''}`,
    );
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const MALFORMED = 'is not a valid protobuf encoding';

interface Failure {
  /** BadRequest path of the field that cannot be read (e.g. `products[1].product_id`); '' for the request as a whole. */
  path: string;
  problem: string;
}

const isText = (scalar: ScalarType | undefined) => scalar === ScalarType.STRING;
const isBlob = (scalar: ScalarType | undefined) => scalar === ScalarType.STRING || scalar === ScalarType.BYTES;

/** String, bytes and message fields are length-delimited on the wire; any other wire type there is garbage. */
function mustBeLengthDelimited(field: DescField): boolean {
  if (field.fieldKind === 'message' || field.fieldKind === 'map') return true;
  if (field.fieldKind === 'list') return field.listKind === 'message' || isBlob(field.scalar);
  return field.fieldKind === 'scalar' && isBlob(field.scalar);
}

/** Walks the encoding like the decoder does and names the first field it cannot read. */
export function locateDecodeFailure(schema: DescMessage, bytes: Uint8Array, prefix = ''): Failure | null {
  const reader = new BinaryReader(bytes);
  const seen = new Map<number, number>();
  const whole = prefix.replace(/\.$/, '');
  while (reader.pos < reader.len) {
    let fieldNo: number;
    let wireType: WireType;
    try {
      [fieldNo, wireType] = reader.tag();
    } catch {
      return { path: whole, problem: MALFORMED };
    }
    const field = schema.fields.find((f) => f.number === fieldNo);
    const index = seen.get(fieldNo) ?? 0;
    seen.set(fieldNo, index + 1);
    const path = field ? `${prefix}${field.name}${field.fieldKind === 'list' ? `[${index}]` : ''}` : whole;
    try {
      if (field && mustBeLengthDelimited(field) && wireType !== WireType.LengthDelimited)
        return { path, problem: MALFORMED };
      const data = reader.skip(wireType, fieldNo);
      if (reader.pos > reader.len) return { path, problem: MALFORMED };
      if (!field || wireType !== WireType.LengthDelimited) continue;
      const payload = data.subarray(data.length - lengthDelimitedSize(data));
      const inner = checkPayload(field, payload, path);
      if (inner) return inner;
    } catch {
      return { path, problem: MALFORMED };
    }
  }
  return null;
}

/** `skip` returns the tag's payload with its length prefix: the size of what follows the prefix. */
function lengthDelimitedSize(data: Uint8Array): number {
  const reader = new BinaryReader(data);
  return reader.uint32();
}

function checkPayload(field: DescField, payload: Uint8Array, path: string): Failure | null {
  const textScalar = (field.fieldKind === 'scalar' || field.fieldKind === 'list') && isText(field.scalar);
  if (textScalar && !validUtf8(payload)) return { path, problem: 'must be valid UTF-8' };
  if (field.fieldKind === 'message' || (field.fieldKind === 'list' && field.listKind === 'message'))
    return locateDecodeFailure(field.message!, payload, `${path}.`);
  if (field.fieldKind === 'map') return checkMapEntry(field, payload, path);
  return null;
}

/** A map entry is a message of key (1) and value (2). */
function checkMapEntry(field: DescField & { fieldKind: 'map' }, payload: Uint8Array, path: string): Failure | null {
  const reader = new BinaryReader(payload);
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    const data = reader.skip(wireType, fieldNo);
    if (wireType !== WireType.LengthDelimited) continue;
    const value = data.subarray(data.length - lengthDelimitedSize(data));
    const textKey = fieldNo === 1 && isText(field.mapKey);
    const textValue = fieldNo === 2 && field.mapKind === 'scalar' && isText(field.scalar);
    if ((textKey || textValue) && !validUtf8(value)) return { path, problem: 'must be valid UTF-8' };
    if (fieldNo === 2 && field.mapKind === 'message') return locateDecodeFailure(field.message, value, `${path}.`);
  }
  return null;
}

function validUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The adapter's request decoder: a request over `maxBytes` becomes an OversizedRequest and one
 * that does not decode a MalformedRequest, never a throw. Unknown fields are skipped, not kept:
 * a body of millions of tiny unknown fields must not become millions of objects.
 */
export function decodeRequest(schema: DescMessage, bytes: Uint8Array, maxBytes = Number.POSITIVE_INFINITY): unknown {
  if (bytes.length > maxBytes) return new OversizedRequest(schema, bytes.length, maxBytes);
  try {
    return fromBinary(schema, bytes, { readUnknownFields: false });
  } catch {
    return new MalformedRequest(schema, bytes);
  }
}
