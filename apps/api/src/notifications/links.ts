/** A meeting's page in the web app (`apps/web/src/lib/meeting.ts`): where a merge's email leads. */
export const meetingPath = (tenant: string, meetingId: string) => `/t/${tenant}/m/${meetingId}`;

/**
 * Where an answer's email leads: the meeting's page on the tab of the person's own questions, as the
 * web app's bell links it.
 */
export const ownQuestionsPath = (tenant: string, meetingId: string) =>
  `${meetingPath(tenant, meetingId)}?tab=mine`;

/** The page a "Turn off these emails" link opens (`apps/web/src/app.tsx`); a POST to it is RFC 8058's. */
export const EMAIL_OFF_PREFIX = '/notifications/email-off/';
export const answerEmailsOffPath = (token: string) => `${EMAIL_OFF_PREFIX}${token}`;
