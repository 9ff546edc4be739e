import { z } from 'zod';
import { LANGUAGES } from './languages.js';
import { MEETING_CODE_LENGTH, MEETING_STATES, ROLES } from './limits.js';

export const uuid = z.uuid();
export const isoDateTime = z.iso.datetime({ offset: true });

export const tenantSlug = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'must be at least 2 characters')
  .max(48, 'must be at most 48 characters')
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'may contain only letters, digits and inner hyphens');

export const role = z.enum(ROLES);
export type Role = z.infer<typeof role>;

export const QUESTION_STATUSES = ['OPEN', 'ANSWERED', 'UNDER_REVIEW'] as const;
export const questionStatus = z.enum(QUESTION_STATUSES);
export type QuestionStatus = z.infer<typeof questionStatus>;

export const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1f6feb');

export const meetingState = z.enum(MEETING_STATES);
export type MeetingState = z.infer<typeof meetingState>;

/** A meeting's join code: six digits; a leading `#` as shown on screens is accepted. */
export const meetingCode = z
  .string()
  .trim()
  .max(16, 'must be a code like #482913')
  .transform((value) => value.replace(/^#/, '').replace(/\s+/g, ''))
  .pipe(
    z.string().regex(new RegExp(`^\\d{${MEETING_CODE_LENGTH}}$`), `must be ${MEETING_CODE_LENGTH} digits`),
  );

/** One of the web app's languages. */
export const language = z.enum(LANGUAGES);
