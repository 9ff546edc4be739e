/** `meeting.export` and `meeting.analytics`, merged into the meeting router. */
export const reportProcedures = {};
