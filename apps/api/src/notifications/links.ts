/**
 * Where a notification's email leads: the meeting's page on the tab of the person's own questions, as
 * the web app's bell links it (`apps/web/src/lib/meeting.ts`).
 */
export const ownQuestionsPath = (tenant: string, meetingId: string) => `/t/${tenant}/m/${meetingId}?tab=mine`;

/** The page a "Turn off these emails" link opens (`apps/web/src/app.tsx`); a POST to it is RFC 8058's. */
export const EMAIL_OFF_PREFIX = '/notifications/email-off/';
export const answerEmailsOffPath = (token: string) => `${EMAIL_OFF_PREFIX}${token}`;
