import type { AuditAction, AuditEntry, AuditFilters } from '@pulsestage/contracts';

/** Each action as the audit page says it. */
export const ACTION_LABELS: Record<AuditAction, string> = {
  'question.answer': 'Answered a question',
  'question.edit': 'Edited a question',
  'question.hide': 'Hid a question',
  'question.restore': 'Restored a question',
  'question.pin': 'Pinned a question',
  'question.unpin': 'Unpinned a question',
  'question.tag': 'Tagged a question',
  'question.untag': 'Untagged a question',
  'question.approve': 'Approved a question',
  'question.reject': 'Rejected a question',
  'question.merge': 'Merged a duplicate question',
  'question.reopen': 'Reopened a question',
  'meeting.create': 'Created a meeting',
  'meeting.update': 'Changed a meeting',
  'meeting.open': 'Opened a meeting',
  'meeting.close': 'Closed a meeting',
  'meeting.delete': 'Deleted a meeting',
  'meeting.pause': 'Paused questions',
  'meeting.resume': 'Resumed questions',
  'member.changeRole': "Changed a member's role",
  'member.remove': 'Removed a member',
  'member.readmit': 'Let a removed member back in',
  'member.removeGuests': 'Removed the guests',
  'member.setTeam': "Changed a member's team",
  'settings.update': 'Changed the settings',
  'settings.updateSafety': 'Changed the safety settings',
  'link.create': 'Created a link',
  'link.revoke': 'Revoked a link',
  'token.create': 'Created a service token',
  'token.revoke': 'Revoked a service token',
  'team.create': 'Created a team',
  'tag.create': 'Created a tag',
  'pulse.updateSettings': 'Changed the pulse schedule',
  'pulseQuestion.create': 'Added a pulse question',
  'pulseQuestion.update': 'Changed a pulse question',
  'pulseQuestion.reorder': 'Reordered the pulse questions',
};

/** An action's label; an action this page does not know yet is shown by its name. */
export function actionLabel(action: string): string {
  return Object.hasOwn(ACTION_LABELS, action) ? ACTION_LABELS[action as AuditAction] : action;
}

const TARGET_LABELS: Record<string, string> = {
  question: 'Question',
  meeting: 'Meeting',
  member: 'Member',
  tenant: 'Organization',
  link: 'Link',
  serviceToken: 'Service token',
  team: 'Team',
  tag: 'Tag',
  pulseQuestion: 'Pulse question',
};

/** The object of an entry, short: its kind and the start of its id (the whole id is in the export). */
export function describeTarget(target: AuditEntry['target']): string {
  const kind = TARGET_LABELS[target.type] ?? target.type;
  return target.id ? `${kind} ${target.id.slice(0, 8)}` : kind;
}

/** The filters the page's form holds: days as `<input type="date">` gives them (`2026-12-03`), or ''. */
export interface AuditForm {
  action: AuditAction | '';
  actorId: string;
  fromDay: string;
  toDay: string;
}

export const NO_FILTERS: AuditForm = { action: '', actorId: '', fromDay: '', toDay: '' };

/** Local midnight at the start of `day`, `offset` days later, as an instant. */
function localMidnight(day: string, offset = 0): string {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  return new Date(year, month - 1, date + offset).toISOString();
}

/** The form as `audit.list` and `audit.export` take it: whole local days, the last one included. */
export function toAuditFilters(tenant: string, form: AuditForm): AuditFilters {
  return {
    tenant,
    action: form.action || undefined,
    actorId: form.actorId || undefined,
    from: form.fromDay ? localMidnight(form.fromDay) : undefined,
    to: form.toDay ? localMidnight(form.toDay, 1) : undefined,
  };
}
