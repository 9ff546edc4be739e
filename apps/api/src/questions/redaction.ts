import type { Executor } from '../db/schema.js';

/** The stored events that carry a question's own text, and the payload field that names the question. */
const EVENTS_WITH_TEXT = {
  'question:created': 'id',
  'question:pending': 'id',
  'question:edited': 'questionId',
} as const;
type EventWithText = keyof typeof EVENTS_WITH_TEXT;

/**
 * Blanks the question's text (`body: ""`) in every stored event that carried it, so that replaying the
 * stream cannot bring back what was taken down. Each event keeps its id, type and shape. Run it in the
 * transaction that removes or rejects the question; hiding is undone by restoring, so it does not redact.
 */
export async function redactQuestionText(
  trx: Executor,
  tenantId: string,
  question: { id: string; meetingId: string },
): Promise<void> {
  const rows = await trx
    .selectFrom('events')
    .select(['seq', 'type', 'data'])
    .where('tenantId', '=', tenantId)
    .where('meetingId', '=', question.meetingId)
    .where('type', 'in', Object.keys(EVENTS_WITH_TEXT))
    // A cheap first cut (ids are hex and hyphens, nothing LIKE treats specially); the payload decides.
    .where('data', 'like', `%"${question.id}"%`)
    .execute();
  for (const row of rows) {
    const data = JSON.parse(row.data) as Record<string, unknown>;
    if (data[EVENTS_WITH_TEXT[row.type as EventWithText]] !== question.id) continue;
    await trx
      .updateTable('events')
      .set({ data: JSON.stringify({ ...data, body: '' }) })
      .where('tenantId', '=', tenantId)
      .where('seq', '=', row.seq)
      .execute();
  }
}
