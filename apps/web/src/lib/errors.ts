import { TRPCClientError } from '@trpc/client';
import { t } from 'i18next';

/** How a field is named to people, e.g. `{ tenant: 'The address' }`, by the input's field path. */
export type FieldLabels = Readonly<Record<string, string>>;

export const unreachableMessage = () => t('errors.unreachable');
const serverFailureMessage = () => t('errors.serverFailure');

/** The fields people type into, named in `errors.fields`; a form passes its own where its wording differs. */
const NAMED_FIELDS = [
  'body',
  'responseText',
  'name',
  'email',
  'password',
  'tenant',
  'teamId',
  'tagId',
  'color',
  'code',
  'search',
  'minQuestionLength',
  'maxQuestionLength',
  'submitLimitPerMinute',
  'upvoteLimitPerMinute',
  'defaultLanguage',
] as const;
type NamedField = (typeof NAMED_FIELDS)[number];

const isNamedField = (field: string): field is NamedField =>
  (NAMED_FIELDS as readonly string[]).includes(field);
const fieldLabel = (field: string) => (isNamedField(field) ? t(`errors.fields.${field}`) : undefined);

interface FieldIssue {
  path: string;
  message: string;
}

/** `body: must be at most 140 characters` → the field and what is wrong with it. */
const FIELD_MESSAGE = /^([A-Za-z][\w.]*): (.+)$/;

interface ServerData {
  code?: string;
  issues?: FieldIssue[];
  /** With TOO_MANY_REQUESTS: when trying again can succeed. */
  retryAfterSeconds?: number;
}

/** The tRPC error data the server sent; absent when no answer from the server came back at all. */
function serverData(error: unknown): ServerData | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  return (error.data ?? undefined) as ServerData | undefined;
}

/** Whether the call never got an answer from PulseStage (network down, server stopped, a proxy's 502). */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof TRPCClientError) return serverData(error) === undefined;
  return error instanceof TypeError; // what `fetch` throws when there is no connection
}

/** The tRPC error code (UNAUTHORIZED, FORBIDDEN, …) of a failed call, if the server sent one. */
export function errorCode(error: unknown): string | undefined {
  return serverData(error)?.code;
}

/** How long until a call refused as too many can succeed, in seconds; undefined for other failures. */
export function retryAfterSeconds(error: unknown): number | undefined {
  return errorCode(error) === 'TOO_MANY_REQUESTS' ? serverData(error)?.retryAfterSeconds : undefined;
}

function labelFor(path: string, labels: FieldLabels): string {
  const field = path.split('.').at(-1) ?? path;
  return labels[path] ?? labels[field] ?? fieldLabel(path) ?? fieldLabel(field) ?? t('errors.fields.other');
}

/** `message` with any field it mentions ("… than maxQuestionLength") named by its label instead. */
function nameFieldsIn(message: string, labels: FieldLabels): string {
  return message.replace(/\b[a-z]+[A-Z]\w*\b/g, (word) => {
    const label = labels[word] ?? fieldLabel(word);
    return label ? label.charAt(0).toLocaleLowerCase() + label.slice(1) : word;
  });
}

/** One field's problem in a sentence: "Your question is too long: at most 140 characters". */
function describeIssue({ path, message }: FieldIssue, labels: FieldLabels = {}): string {
  const label = labelFor(path, labels);
  const tooLong = message.match(/^must be at most (\d+) characters$/);
  if (tooLong) return t('errors.tooLong', { label, count: Number(tooLong[1]) });
  const tooShort = message.match(/^must be at least (\d+) characters$/);
  if (tooShort) return t('errors.tooShort', { label, count: Number(tooShort[1]) });
  if (message === 'must not be empty') return t('errors.missing', { label });
  // The server's rules read on from the field's name ("may contain only …"); zod's own do not. They
  // come in English, as every message the server words itself.
  if (/^[a-z]/.test(message)) return `${label} ${nameFieldsIn(message, labels)}`;
  return t('errors.invalid', { label });
}

function fieldIssues(error: unknown): FieldIssue[] {
  const data = serverData(error);
  if (data?.issues?.length) return data.issues;
  const message = error instanceof Error ? error.message : '';
  return message.split('; ').flatMap((part) => {
    const match = part.match(FIELD_MESSAGE);
    return match?.[1] && match[2] ? [{ path: match[1], message: match[2] }] : [];
  });
}

/** A wait as people say it: "12 s", "3 min" (rounded up), "2 h". */
export function waitIn(seconds: number): string {
  if (seconds < 60) return t('errors.wait.seconds', { count: seconds });
  if (seconds < 60 * 60) return t('errors.wait.minutes', { count: Math.ceil(seconds / 60) });
  return t('errors.wait.hours', { count: Math.ceil(seconds / (60 * 60)) });
}

/**
 * What went wrong, in words people understand: a network failure says so, a rejected field is named
 * by its label (never by its path), and a server's own refusal is shown as it was worded.
 */
export function errorMessage(error: unknown, labels: FieldLabels = {}): string {
  if (isUnreachable(error)) return unreachableMessage();
  const code = errorCode(error);
  if (code === 'INTERNAL_SERVER_ERROR') return serverFailureMessage();
  const wait = retryAfterSeconds(error);
  if (wait) return t('errors.slowDown', { wait: waitIn(wait) });
  if (code === 'BAD_REQUEST') {
    const issues = fieldIssues(error);
    if (issues.length > 0) return issues.map((issue) => describeIssue(issue, labels)).join('. ');
  }
  return error instanceof TRPCClientError && error.message ? error.message : serverFailureMessage();
}
