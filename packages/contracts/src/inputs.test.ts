import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  questionAnswerInput,
  questionListInput,
  questionSubmitInput,
  queueFreezeInput,
  signInInput,
  signUpInput,
  tenantCreateInput,
} from './inputs.js';
import { tenantSlug } from './primitives.js';

function issues(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  expect(result.success, JSON.stringify(input)).toBe(false);
  return result.error?.issues ?? [];
}

/** Questions and the queue belong to a meeting. */
const inMeeting = { tenant: 'demo', meetingId: randomUUID() } as const;

describe('questionSubmitInput', () => {
  it('trims the body, defaults teamId to null and asks for no notification', () => {
    expect(questionSubmitInput.parse({ ...inMeeting, body: '  Why?\n ' })).toEqual({
      ...inMeeting,
      body: 'Why?',
      teamId: null,
      notifyWhenAnswered: false,
    });
  });

  it('rejects an empty or whitespace-only body with a message naming the field', () => {
    for (const body of ['', '   \n\t']) {
      expect(issues(questionSubmitInput, { ...inMeeting, body })).toEqual([
        expect.objectContaining({ path: ['body'], message: 'must not be empty' }),
      ]);
    }
  });

  it('accepts 2000 characters (after trimming) and rejects 2001', () => {
    expect(questionSubmitInput.parse({ ...inMeeting, body: 'a'.repeat(2000) }).body).toHaveLength(2000);
    expect(questionSubmitInput.parse({ ...inMeeting, body: ` ${'a'.repeat(2000)} ` }).body).toHaveLength(
      2000,
    );
    expect(issues(questionSubmitInput, { ...inMeeting, body: 'a'.repeat(2001) })).toEqual([
      expect.objectContaining({ path: ['body'], message: 'must be at most 2000 characters' }),
    ]);
  });

  it('rejects a non-uuid teamId and a non-string body', () => {
    expect(issues(questionSubmitInput, { ...inMeeting, body: 'x', teamId: 'eng' })[0]?.path).toEqual([
      'teamId',
    ]);
    expect(issues(questionSubmitInput, { ...inMeeting, body: 42 })[0]?.path).toEqual(['body']);
  });
});

describe('strict inputs', () => {
  const questionId = randomUUID();
  it.each([
    ['questionSubmitInput', questionSubmitInput, { ...inMeeting, body: 'hi' }],
    ['questionAnswerInput', questionAnswerInput, { ...inMeeting, questionId, responseText: 'yes' }],
    ['queueFreezeInput', queueFreezeInput, { ...inMeeting, frozen: true }],
    ['signUpInput', signUpInput, { email: 'a@b.co', password: 'long-enough', name: 'A' }],
    ['signInInput', signInInput, { email: 'a@b.co', password: 'x' }],
    ['tenantCreateInput', tenantCreateInput, { tenant: 'acme', name: 'Acme' }],
  ] as const)('%s accepts valid input and rejects an unknown key, naming it', (_name, schema, valid) => {
    expect(schema.safeParse(valid).success).toBe(true);
    const [issue, ...rest] = issues(schema, { ...valid, isAdmin: true });
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ code: 'unrecognized_keys', keys: ['isAdmin'] });
    expect(issue?.message).toContain('isAdmin');
  });
});

describe('tenantSlug', () => {
  it('trims and lower-cases', () => {
    expect(tenantSlug.parse('  Demo-Org ')).toBe('demo-org');
    expect(tenantSlug.parse('ACME2')).toBe('acme2');
  });

  it('accepts 2 to 48 characters', () => {
    expect(tenantSlug.parse('ab')).toBe('ab');
    expect(tenantSlug.parse('a'.repeat(48))).toBe('a'.repeat(48));
    expect(issues(tenantSlug, 'a')[0]?.message).toBe('must be at least 2 characters');
    expect(issues(tenantSlug, 'a'.repeat(49))[0]?.message).toBe('must be at most 48 characters');
  });

  it.each(['-demo', 'demo-', 'de mo', 'de_mo', 'dé-mo', 'de/mo', '../x'])('rejects %j', (slug) => {
    expect(issues(tenantSlug, slug)).toContainEqual(
      expect.objectContaining({ message: 'may contain only letters, digits and inner hyphens' }),
    );
  });

  it('names the tenant field inside an input', () => {
    expect(issues(questionSubmitInput, { ...inMeeting, tenant: 'Bad Slug', body: 'x' })).toEqual([
      expect.objectContaining({ path: ['tenant'] }),
    ]);
  });
});

describe('auth inputs', () => {
  it('signUpInput trims and lower-cases the email', () => {
    expect(
      signUpInput.parse({ email: '  Alice@Demo.TEST ', password: 'demo-password', name: ' Alice ' }),
    ).toEqual({
      email: 'alice@demo.test',
      password: 'demo-password',
      name: 'Alice',
    });
  });

  it('signInInput lower-cases the email too, so sign-in matches sign-up', () => {
    expect(signInInput.parse({ email: 'MOD@demo.test', password: 'x' }).email).toBe('mod@demo.test');
  });

  it('rejects a bad email and a short password, naming the fields', () => {
    expect(
      issues(signUpInput, { email: 'not-an-email', password: 'demo-password', name: 'A' })[0]?.path,
    ).toEqual(['email']);
    expect(issues(signUpInput, { email: 'a@b.co', password: 'short', name: 'A' })).toEqual([
      expect.objectContaining({ path: ['password'], message: 'must be at least 8 characters' }),
    ]);
  });
});

describe('questionListInput', () => {
  it('defaults sort and limit and bounds the limit', () => {
    expect(questionListInput.parse({ ...inMeeting })).toEqual({ ...inMeeting, sort: 'top', limit: 50 });
    expect(issues(questionListInput, { ...inMeeting, limit: 101 })[0]?.path).toEqual(['limit']);
    expect(issues(questionListInput, { ...inMeeting, sort: 'oldest' })[0]?.path).toEqual(['sort']);
  });
});
