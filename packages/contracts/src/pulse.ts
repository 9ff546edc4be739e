import { z } from 'zod';
import { tenantScoped } from './inputs.js';
import {
  LABEL_MAX,
  PULSE_COHORTS_MAX,
  PULSE_QUESTION_TEXT_MAX,
  PULSE_QUESTIONS_MAX,
  PULSE_SCALE_RANGE,
  PULSE_SCALES,
  PULSE_THRESHOLD_MAX,
  PULSE_THRESHOLD_MIN,
  WEEKDAYS,
} from './limits.js';
import { isoDateTime, uuid } from './primitives.js';
import { text } from './text.js';

export const pulseScale = z.enum(PULSE_SCALES);
export type PulseScale = z.infer<typeof pulseScale>;
export type Weekday = (typeof WEEKDAYS)[number];

/** Whether `score` is on `scale`: 1–5 for agreement, 0–10 for likelihood. */
export function isScoreOnScale(scale: PulseScale, score: number): boolean {
  const [lowest, highest] = PULSE_SCALE_RANGE[scale];
  return Number.isInteger(score) && score >= lowest && score <= highest;
}

const cohortName = text(1, LABEL_MAX);

/** An IANA time zone this runtime knows, like `Europe/Berlin` or `UTC`. */
export const timeZone = z
  .string()
  .max(64)
  .refine(
    (zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be a time zone like Europe/Berlin' },
  );

/** A local time of day, `HH:MM` on a 24-hour clock. */
export const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 09:30');

/** Which cohort is invited on each weekday; null: nobody that day. */
export const pulseSchedule = z.strictObject(
  Object.fromEntries(WEEKDAYS.map((day) => [day, cohortName.nullable()])) as Record<
    Weekday,
    z.ZodNullable<typeof cohortName>
  >,
);
export type PulseSchedule = z.infer<typeof pulseSchedule>;

export const pulseSettings = z.object({
  /** Invitations go out only while enabled. */
  enabled: z.boolean(),
  timeZone: z.string(),
  timeOfDay: z.string(),
  /** Every member belongs to exactly one, chosen from a hash of their id. */
  cohorts: z.array(z.string()),
  schedule: pulseSchedule,
  /** Results of a group are shown only when at least this many people of it answered. */
  threshold: z.number().int(),
});
export type PulseSettings = z.infer<typeof pulseSettings>;

export const pulseSettingsInput = tenantScoped.extend({
  enabled: z.boolean().optional(),
  timeZone: timeZone.optional(),
  timeOfDay: timeOfDay.optional(),
  cohorts: z
    .array(cohortName)
    .min(1, 'must name at least one cohort')
    .max(PULSE_COHORTS_MAX, `must name at most ${PULSE_COHORTS_MAX} cohorts`)
    .refine((names) => new Set(names.map((name) => name.toLowerCase())).size === names.length, {
      message: 'must not name a cohort twice',
    })
    .optional(),
  schedule: pulseSchedule.optional(),
  threshold: z.number().int().min(PULSE_THRESHOLD_MIN).max(PULSE_THRESHOLD_MAX).optional(),
});
export type PulseSettingsInput = z.infer<typeof pulseSettingsInput>;

export const pulseQuestion = z.object({
  id: uuid,
  text: z.string(),
  scale: pulseScale,
  /** Only this team's members are invited to it; null: everyone. */
  teamId: uuid.nullable(),
  /** Inactive questions are skipped by the rotation and keep their results. */
  active: z.boolean(),
  /** The rotation asks the active questions in this order. */
  position: z.number().int(),
  createdAt: isoDateTime,
});
export type PulseQuestion = z.infer<typeof pulseQuestion>;

const pulseQuestionText = text(1, PULSE_QUESTION_TEXT_MAX);
const pulseQuestionScoped = tenantScoped.extend({ questionId: uuid });

export const pulseQuestionCreateInput = tenantScoped.extend({
  text: pulseQuestionText,
  scale: pulseScale,
  teamId: uuid.nullable().optional(),
});
export const pulseQuestionUpdateInput = pulseQuestionScoped.extend({
  text: pulseQuestionText.optional(),
  scale: pulseScale.optional(),
  teamId: uuid.nullable().optional(),
  active: z.boolean().optional(),
});
/** Every question of the tenant, each once, in the new order. */
export const pulseQuestionOrderInput = tenantScoped.extend({
  questionIds: z.array(uuid).min(1).max(PULSE_QUESTIONS_MAX),
});

/** A check-in waiting for the caller's answer. */
export const pulseCheckin = z.object({
  invitationId: uuid,
  question: z.object({ id: uuid, text: z.string(), scale: pulseScale }),
  /** The local date of the invitation, `YYYY-MM-DD`. */
  date: z.string(),
  expiresAt: isoDateTime,
});
export type PulseCheckin = z.infer<typeof pulseCheckin>;

/** The caller's side of pulse in one tenant. */
export const pulsePending = z.object({
  /** Null for guests and service tokens, who are never invited. */
  cohortName: z.string().nullable(),
  /** Invitations by email (when the server sends email). */
  emailInvitations: z.boolean(),
  checkins: z.array(pulseCheckin),
  /** The tenant's threshold: results show only groups of at least this many answers. */
  threshold: z.number().int(),
});
export type PulsePending = z.infer<typeof pulsePending>;

const score = z.number().int().min(0).max(10);

export const pulseRespondInput = tenantScoped.extend({ invitationId: uuid, score });
export const pulseEmailPreferenceInput = tenantScoped.extend({ emailInvitations: z.boolean() });

/** The token of a one-tap link, as in `/pulse/r/<token>?score=N`. */
export const pulseLinkToken = z.string().regex(/^[A-Za-z0-9_-]{20,128}$/, 'is not a check-in link');
export const pulseLinkResponseInput = z.strictObject({ token: pulseLinkToken, score });

/** What a one-tap link recorded, for its confirmation page. */
export const pulseRecorded = z.object({
  tenantName: z.string(),
  question: z.object({ text: z.string(), scale: pulseScale }),
  score: z.number().int(),
  /** The tenant's threshold: results show only groups of at least this many answers. */
  threshold: z.number().int(),
});
export type PulseRecorded = z.infer<typeof pulseRecorded>;

/** A group's results, or only how many more answers it needs before they are shown. */
export const pulseGroupResult = z.discriminatedUnion('suppressed', [
  z.object({
    suppressed: z.literal(false),
    responses: z.number().int().nonnegative(),
    mean: z.number(),
    /** How many gave each score, lowest score first. */
    distribution: z.array(z.number().int().nonnegative()),
  }),
  z.object({ suppressed: z.literal(true), needed: z.number().int().positive() }),
]);
export type PulseGroupResult = z.infer<typeof pulseGroupResult>;

/** An ISO week in the tenant's time zone, like `2026-W49`: a question's round is the week it was asked. */
export const isoWeek = z.string().regex(/^\d{4}-W\d{2}$/);

export const pulseQuestionResults = z.object({
  question: pulseQuestion,
  /** The latest week the question was asked in; null if never. */
  round: z
    .object({
      week: isoWeek,
      invited: z.number().int().nonnegative(),
      /** Answers over invitations, 0–1; null while suppressed. */
      responseRate: z.number().nullable(),
      overall: pulseGroupResult,
      teams: z.array(z.object({ teamId: uuid, teamName: z.string(), result: pulseGroupResult })),
      cohorts: z.array(z.object({ cohortName: z.string(), result: pulseGroupResult })),
    })
    .nullable(),
  /** One entry per week the question was asked in, oldest first. */
  trend: z.array(z.object({ week: isoWeek, result: pulseGroupResult })),
});
export type PulseQuestionResults = z.infer<typeof pulseQuestionResults>;

export const pulseResultsInput = tenantScoped.extend({
  /** How many weeks of trend, counting back from the current one. */
  weeks: z.number().int().min(1).max(104).default(12),
});
export const pulseResults = z.object({
  threshold: z.number().int(),
  questions: z.array(pulseQuestionResults),
});
export type PulseResults = z.infer<typeof pulseResults>;
