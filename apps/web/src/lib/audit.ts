import type { AuditAction, AuditEntry, AuditFilters, AuditTargetType } from '@pulsestage/contracts';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from '@pulsestage/contracts/audit-log';
import { t } from 'i18next';

const isAuditAction = (action: string): action is AuditAction =>
  (AUDIT_ACTIONS as readonly string[]).includes(action);

/** An action as the audit page says it; an action this page does not know yet is shown by its name. */
export function actionLabel(action: string): string {
  return isAuditAction(action) ? t(`audit.actions.${action}`) : action;
}

const isTarget = (type: string): type is AuditTargetType =>
  (AUDIT_TARGET_TYPES as readonly string[]).includes(type);

/** The object of an entry, short: its kind and the start of its id (the whole id is in the export). */
export function describeTarget(target: AuditEntry['target']): string {
  const kind = isTarget(target.type) ? t(`audit.targets.${target.type}`) : target.type;
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
