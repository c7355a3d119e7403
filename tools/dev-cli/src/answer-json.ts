import { toJsonString, type DescMessage, type MessageShape } from '@bufbuild/protobuf';

/**
 * An answer as the CLI prints it: proto3 JSON with every field, zeros and empty lists included.
 * Proto3 JSON leaves default values out, so a product with no seat assigned would print no
 * `assigned` at all, and a reader cannot tell "0" from "not answered".
 */
export function answerJson<Desc extends DescMessage>(schema: Desc, answer: MessageShape<Desc>): string {
  return toJsonString(schema, answer, { prettySpaces: 2, alwaysEmitImplicit: true });
}
