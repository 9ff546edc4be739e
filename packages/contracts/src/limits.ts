/**
 * Plain values the schemas are built from, in a module without zod: the web app imports them alone
 * (`@pulsestage/contracts/limits`) for its form limits and role lists without bundling the schemas.
 */

export const ROLES = ['member', 'moderator', 'admin', 'owner'] as const;

export const QUESTION_BODY_MAX = 2000;
export const RESPONSE_TEXT_MAX = 10000;

export const PASSWORD_MIN = 8;
export const DISPLAY_NAME_MAX = 80;
/** Names of teams, tags and service tokens. */
export const LABEL_MAX = 40;

export const MEETING_STATES = ['scheduled', 'open', 'closed'] as const;
export const MEETING_TITLE_MAX = 120;
export const MEETING_DESCRIPTION_MAX = 2000;
/** Join codes are six digits, shown as `#482913`. */
export const MEETING_CODE_LENGTH = 6;

/** Per person per minute in one meeting, unless the tenant sets otherwise. */
export const SUBMIT_LIMIT_DEFAULT = 5;
/** Per person per minute, unless the tenant sets otherwise. */
export const UPVOTE_LIMIT_DEFAULT = 120;
/** The highest per-minute limit a tenant may set (a load test sets it this high). */
export const PER_MINUTE_LIMIT_MAX = 100_000;

/** Each restricted word or phrase, and how many a tenant may list. */
export const RESTRICTED_WORD_MAX = 60;
export const RESTRICTED_WORDS_MAX = 500;
/** How many origins a tenant may allow to embed its presenter display. */
export const FRAME_ORIGINS_MAX = 20;

/** The most tRPC calls one HTTP request may carry by default; our own clients batch no more. */
export const BATCH_MAX = 10;

/** Pulse check-ins: the scales a question is answered on, and its text. */
export const PULSE_SCALES = ['agree5', 'likely10'] as const;
/** The lowest and highest score of each scale. */
export const PULSE_SCALE_RANGE = { agree5: [1, 5], likely10: [0, 10] } as const;
/** What each agreement score says, 1 to 5; the app and the invitation emails word them alike. */
export const PULSE_AGREEMENT_LABELS = [
  'Strongly disagree',
  'Disagree',
  'Neutral',
  'Agree',
  'Strongly agree',
] as const;
export const PULSE_QUESTION_TEXT_MAX = 200;
export const PULSE_QUESTIONS_MAX = 200;
/** Results are shown for a group only when at least this many answered; a tenant may raise it, never lower. */
export const PULSE_THRESHOLD_MIN = 3;
export const PULSE_THRESHOLD_DEFAULT = 5;
export const PULSE_THRESHOLD_MAX = 1000;
export const PULSE_COHORTS_MAX = 7;
export const PULSE_COHORTS_DEFAULT = ['Weekday', 'Weekend'] as const;
/** The schedule names the cohort invited on each weekday, Monday first. */
export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
/** A check-in can be answered for this long after its invitation. */
export const PULSE_INVITATION_DAYS = 7;
