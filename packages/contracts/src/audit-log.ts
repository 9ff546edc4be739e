/**
 * The audit log's plain values, in a module without zod: the web app imports them alone
 * (`@pulsestage/contracts/audit-log`), since a page that loads zod's schemas needs `eval` under the CSP.
 */

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
  'question.merge',
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
  'member.setTeam',
  'settings.update',
  'settings.updateSafety',
  'link.create',
  'link.revoke',
  'token.create',
  'token.revoke',
  'team.create',
  'tag.create',
  'pulse.updateSettings',
  'pulseQuestion.create',
  'pulseQuestion.update',
  'pulseQuestion.reorder',
  'sso.updateSettings',
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
  'pulseQuestion',
] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** The most entries one page of `audit.list` holds. */
export const AUDIT_PAGE_MAX = 100;
/** `audit.export` writes at most this many entries, the newest that match. */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;

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
export function describeAuditSummary(summary: Readonly<Record<string, unknown>>): string {
  return Object.entries(summary)
    .map(([key, value]) => `${key}: ${describeValue(value)}`)
    .join('; ');
}
