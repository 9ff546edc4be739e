import { z } from 'zod';
import { versionSelection } from './events/wire.js';
import {
  hexColor,
  QUESTION_BODY_MAX,
  questionStatus,
  RESPONSE_TEXT_MAX,
  role,
  tenantSlug,
  uuid,
} from './primitives.js';

const email = z.string().trim().toLowerCase().max(254, 'must be at most 254 characters').pipe(z.email());
const password = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(256, 'must be at most 256 characters');
const displayName = z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters');
const label = z.string().trim().min(1, 'must not be empty').max(40, 'must be at most 40 characters');
const code = z.string().trim().min(8).max(128);

export const tenantScoped = z.strictObject({ tenant: tenantSlug });
const questionScoped = tenantScoped.extend({ questionId: uuid });

export const signUpInput = z.strictObject({ email, password, name: displayName });
export const signInInput = z.strictObject({ email, password: z.string().min(1).max(256) });
export const joinWithCodeInput = z.strictObject({ code, name: displayName.optional() });

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
  search: z.string().trim().max(200).optional(),
  sort: z.enum(QUESTION_SORTS).default('top'),
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional(),
});
export type QuestionListInput = z.infer<typeof questionListInput>;

export const questionInput = questionScoped;
export const questionSubmitInput = tenantScoped.extend({
  body: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(QUESTION_BODY_MAX, `must be at most ${QUESTION_BODY_MAX} characters`),
  teamId: uuid.nullable().default(null),
});
export const questionAnswerInput = questionScoped.extend({
  responseText: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(RESPONSE_TEXT_MAX, `must be at most ${RESPONSE_TEXT_MAX} characters`),
});
export const questionTagInput = questionScoped.extend({ tagId: uuid });
export const questionPinInput = questionScoped.extend({ pinned: z.boolean() });
export const queueFreezeInput = tenantScoped.extend({ frozen: z.boolean() });

export const eventsSubscribeInput = tenantScoped.extend({
  /** Set by the client on reconnect: the id of the last event it received. */
  lastEventId: z.string().max(32).nullish(),
  versions: versionSelection.optional(),
});
