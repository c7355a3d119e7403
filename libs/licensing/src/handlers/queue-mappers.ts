import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { QueueKind, QueueRole, QueueSchema, type Queue } from '@acme/contracts';
import type { MembershipRecord, QueueRecord } from '@acme/licensing-data-access';

type Kind = QueueRecord['kind'];
type Role = MembershipRecord['role'];

/** A request's queue kind; undefined for UNSPECIFIED or an unknown number. */
export const KIND: Record<number, Kind> = {
  [QueueKind.CALL]: 'call',
  [QueueKind.INBOUND]: 'inbound',
  [QueueKind.OUTBOUND]: 'outbound',
};
export const KIND_ENUM: Record<Kind, QueueKind> = {
  call: QueueKind.CALL,
  inbound: QueueKind.INBOUND,
  outbound: QueueKind.OUTBOUND,
};
/** A request's queue role; undefined for UNSPECIFIED or an unknown number. */
export const ROLE: Record<number, Role> = {
  [QueueRole.AGENT]: 'agent',
  [QueueRole.SUPERVISOR]: 'supervisor',
};
export const ROLE_ENUM: Record<Role, QueueRole> = {
  agent: QueueRole.AGENT,
  supervisor: QueueRole.SUPERVISOR,
};

export const toQueue = (q: QueueRecord, members: MembershipRecord[]): Queue =>
  create(QueueSchema, {
    id: q.id,
    accountId: q.accountId,
    kind: KIND_ENUM[q.kind],
    name: q.name,
    createTime: timestampFromDate(q.createdAt),
    members: members.map((m) => ({ userId: m.userId, role: ROLE_ENUM[m.role] })),
  });
