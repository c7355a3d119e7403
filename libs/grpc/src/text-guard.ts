import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import type { GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import type { ServiceDescriptor, ServiceHandlers } from './service-adapter.js';
import { AppError } from '@acme/util';

const NUL = '\u0000';

/**
 * Paths (as in BadRequest: `products[2].features.x`) of the string fields of a request, at any
 * depth and in lists and map keys and values, that contain U+0000. PostgreSQL text cannot hold
 * it (the insert fails and the caller would get INTERNAL), and no field of our APIs means it.
 */
export function nulCharacterFields(schema: DescMessage, message: object, prefix = ''): string[] {
  const found: string[] = [];
  for (const field of schema.fields) {
    const value = fieldValue(field, message);
    if (value === undefined) continue;
    const path = `${prefix}${field.name}`;
    if (field.fieldKind === 'scalar' && field.scalar === ScalarType.STRING && (value as string).includes(NUL))
      found.push(path);
    if (field.fieldKind === 'message') found.push(...nulCharacterFields(field.message, value as object, `${path}.`));
    if (field.fieldKind === 'list') {
      (value as unknown[]).forEach((item, i) => {
        if (field.listKind === 'scalar' && field.scalar === ScalarType.STRING && (item as string).includes(NUL))
          found.push(`${path}[${i}]`);
        if (field.listKind === 'message')
          found.push(...nulCharacterFields(field.message, item as object, `${path}[${i}].`));
      });
    }
    if (field.fieldKind === 'map') {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const entry = `${path}.${key.replaceAll(NUL, '\\0').slice(0, 64)}`;
        if (
          key.includes(NUL) ||
          (field.mapKind === 'scalar' && field.scalar === ScalarType.STRING && (item as string).includes(NUL))
        )
          found.push(entry);
        if (field.mapKind === 'message') found.push(...nulCharacterFields(field.message, item as object, `${entry}.`));
      }
    }
  }
  return found;
}

function fieldValue(field: DescField, message: object): unknown {
  const record = message as Record<string, unknown>;
  if (!field.oneof) return record[field.localName];
  const chosen = record[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
  return chosen?.case === field.localName ? chosen.value : undefined;
}

/** Every handler of the service refuses a request with U+0000 in any text, naming each field, before it reads or writes anything. */
export function refuseNulCharacters<S extends GenServiceMethods, P>(
  descriptor: ServiceDescriptor<S>,
  handlers: ServiceHandlers<NoInfer<S>, P>,
): ServiceHandlers<S, P> {
  const guarded: Record<string, unknown> = { ...handlers };
  for (const method of descriptor.methods) {
    const handler = (handlers as Record<string, (request: object, context: unknown) => Promise<unknown>>)[
      method.localName
    ]!;
    guarded[method.localName] = async (request: object, context: unknown) => {
      const fields = nulCharacterFields(method.input, request);
      if (fields.length > 0)
        throw AppError.invalidArgument(
          fields.map((field) => ({ field, description: 'must not contain the NUL character (U+0000)' })),
        );
      return handler(request, context);
    };
  }
  return guarded as ServiceHandlers<S, P>;
}
