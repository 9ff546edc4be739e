import { z } from 'zod';
import { versionSelection } from './events/wire.js';
import { DISPLAY_NAME_MAX, LABEL_MAX, PASSWORD_MIN, QUESTION_BODY_MAX, RESPONSE_TEXT_MAX } from './limits.js';
import { hexColor, questionStatus, role, tenantSlug, uuid } from './primitives.js';

/** Control characters other than tab and line breaks: never meaningful in text people type. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Trimmed text of `min`–`max` characters without control characters; every free-text field uses it. */
export function text(min: number, max: number) {
  return z
    .string()
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters');
}

const email = text(3, 254).toLowerCase().pipe(z.email());
const password = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(256, 'must be at most 256 characters');
const displayName = text(1, DISPLAY_NAME_MAX);
const label = text(1, LABEL_MAX);
const code = text(8, 128);

export const tenantScoped = z.strictObject({ tenant: tenantSlug });
const questionScoped = tenantScoped.extend({ questionId: uuid });

export const signUpInput = z.strictObject({ email, password, name: displayName });
export const signInInput = z.strictObject({ email, password: z.string().min(1).max(256) });
export const joinWithCodeInput = z.strictObject({ code, name: displayName.optional() });
export const joinCodeInput = z.strictObject({ code });
export const openDisplayInput = z.strictObject({ token: text(8, 256) });

export const tenantCreateInput = z.strictObject({ tenant: tenantSlug, name: displayName });
export const tenantSettingsInput = tenantScoped.extend({
  name: displayName.optional(),
  requireApproval: z.boolean().optional(),
  allowGuests: z.boolean().optional(),
  minQuestionLength: z.number().int().min(1).max(QUESTION_BODY_MAX).optional(),
  maxQuestionLength: z.number().int().min(1).max(QUESTION_BODY_MAX).optional(),
});
export const memberInput = tenantScoped.extend({ userId: uuid });
export const setRoleInput = memberInput.extend({ role });
export const linkInput = tenantScoped.extend({ linkId: uuid });
export const createServiceTokenInput = tenantScoped.extend({ name: label, role });
export const serviceTokenInput = tenantScoped.extend({ tokenId: uuid });

export const teamCreateInput = tenantScoped.extend({ name: label });
export const tagCreateInput = tenantScoped.extend({ name: label, color: hexColor });

export const QUESTION_SORTS = ['top', 'newest'] as const;
export const questionListInput = tenantScoped.extend({
  status: questionStatus.optional(),
  teamId: uuid.optional(),
  tagId: uuid.optional(),
  search: text(0, 200).optional(),
  sort: z.enum(QUESTION_SORTS).default('top'),
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional(),
  /** Sent by tRPC's infinite queries; pages only go forward. */
  direction: z.literal('forward').optional(),
});
export type QuestionListInput = z.infer<typeof questionListInput>;
export const questionMineInput = tenantScoped.extend({
  limit: questionListInput.shape.limit,
  cursor: questionListInput.shape.cursor,
  direction: questionListInput.shape.direction,
});

export const questionInput = questionScoped;
export const questionSubmitInput = tenantScoped.extend({
  body: text(1, QUESTION_BODY_MAX),
  teamId: uuid.nullable().default(null),
});
export const questionAnswerInput = questionScoped.extend({
  responseText: text(1, RESPONSE_TEXT_MAX),
});
export const questionTagInput = questionScoped.extend({ tagId: uuid });
export const questionPinInput = questionScoped.extend({ pinned: z.boolean() });
export const queueFreezeInput = tenantScoped.extend({ frozen: z.boolean() });

export const eventsSubscribeInput = tenantScoped.extend({
  /** Set by the client on reconnect: the id of the last event it received. */
  lastEventId: z.string().max(32).nullish(),
  versions: versionSelection.optional(),
});

/** For procedures that take nothing: anything sent is refused rather than ignored. */
export const noInput = z.strictObject({}).nullish();
