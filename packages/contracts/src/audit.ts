import { z } from 'zod';
import { tenantScoped } from './inputs.js';
import { isoDateTime, uuid } from './primitives.js';

/** Every moderator and admin action the audit log records, by the name its entries carry. */
export const AUDIT_ACTIONS = [
  'question.answer',
  'question.edit',
  'question.hide',
  'question.restore',
  'question.pin',
  'question.unpin',
  'question.tag',
  'question.untag',
  'question.approve',
  'question.reject',
  'question.reopen',
  'meeting.create',
  'meeting.update',
  'meeting.open',
  'meeting.close',
  'meeting.delete',
  'meeting.pause',
  'meeting.resume',
  'member.changeRole',
  'member.remove',
  'member.readmit',
  'member.removeGuests',
  'settings.update',
  'settings.updateSafety',
  'link.create',
  'link.revoke',
  'token.create',
  'token.revoke',
  'team.create',
  'tag.create',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = [
  'question',
  'meeting',
  'member',
  'tenant',
  'link',
  'serviceToken',
  'team',
  'tag',
] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** The most entries one page of `audit.list` holds. */
export const AUDIT_PAGE_MAX = 100;
/** `audit.export` writes at most this many entries, the newest that match. */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;

const filterFields = {
  action: z.enum(AUDIT_ACTIONS).optional(),
  /** A user id or a service token id. */
  actorId: uuid.optional(),
  targetType: z.enum(AUDIT_TARGET_TYPES).optional(),
  targetId: uuid.optional(),
  /** Entries at or after this time. */
  from: isoDateTime.optional(),
  /** Entries before this time. */
  to: isoDateTime.optional(),
};

function checkFromBeforeTo(range: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (range.from && range.to && Date.parse(range.to) <= Date.parse(range.from)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  }
}

export const auditExportInput = tenantScoped.extend(filterFields).superRefine(checkFromBeforeTo);
export type AuditFilters = z.infer<typeof auditExportInput>;

export const auditListInput = tenantScoped
  .extend({
    ...filterFields,
    limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
    cursor: z.string().max(512).optional(),
    /** Sent by tRPC's infinite queries; pages only go forward. */
    direction: z.literal('forward').optional(),
  })
  .superRefine(checkFromBeforeTo);
export type AuditListInput = z.infer<typeof auditListInput>;

/**
 * What changed, small: `{ role: { from: 'member', to: 'moderator' } }`, `{ changed: ['requireApproval'] }`,
 * `{ pinned: true }`. Never who asked a question, nor its text.
 */
export const auditSummary = z.record(z.string(), z.json());
export type AuditSummary = z.infer<typeof auditSummary>;

export const auditEntry = z.object({
  id: uuid,
  actor: z.object({
    /** A user id or a service token id. */
    id: z.string(),
    kind: z.enum(['user', 'token']),
    /** The name the actor had when acting. */
    name: z.string(),
  }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable() }),
  summary: auditSummary,
  createdAt: isoDateTime,
});
export type AuditEntry = z.infer<typeof auditEntry>;

/** Newest first. */
export const auditPage = z.object({ items: z.array(auditEntry), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof auditPage>;

function describeValue(value: unknown): string {
  if (value === true) return 'yes';
  if (value === false) return 'no';
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return value.map(describeValue).join(', ');
  if (typeof value === 'object') {
    if ('from' in value && 'to' in value) return `${describeValue(value.from)} → ${describeValue(value.to)}`;
    return Object.entries(value)
      .map(([key, inner]) => `${key} ${describeValue(inner)}`)
      .join(', ');
  }
  return String(value);
}

/** A summary in words, one `key: value` per change: `role: member → moderator; pinned: yes`. */
export function describeAuditSummary(summary: AuditSummary): string {
  return Object.entries(summary)
    .map(([key, value]) => `${key}: ${describeValue(value)}`)
    .join('; ');
}
