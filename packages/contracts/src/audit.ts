import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_PAGE_MAX, AUDIT_TARGET_TYPES } from './audit-log.js';
import { tenantScoped } from './inputs.js';
import { isoDateTime, uuid } from './primitives.js';

export * from './audit-log.js';

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
