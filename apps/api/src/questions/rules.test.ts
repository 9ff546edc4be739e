import type { MeetingState, QuestionStatus, TenantSettings } from '@pulsestage/contracts';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../auth/access.js';
import type { AccessRole } from '../auth/permissions.js';
import { DomainError } from '../errors.js';
import { type Cursor, decodeCursor, encodeCursor } from './cursor.js';
import {
  audienceOf,
  canSee,
  checkAcceptsQuestions,
  checkAcceptsVotes,
  checkAwaitingReview,
  checkBodyLength,
  checkCanEdit,
  checkCanHide,
  checkCanList,
  checkCanModerate,
  checkCanReopen,
  checkCanRestore,
  checkCanUpvote,
  checkCanWithdraw,
  isModerator,
  statusOnSubmit,
} from './rules.js';

const AUTHOR = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

const actor = (role: AccessRole, id = OTHER): Actor => ({ id, role });

const settings = (overrides: Partial<TenantSettings> = {}): TenantSettings => ({
  requireApproval: false,
  allowGuests: false,
  minQuestionLength: 1,
  maxQuestionLength: 2000,
  submitLimitPerMinute: 5,
  upvoteLimitPerMinute: 120,
  defaultLanguage: null,
  ...overrides,
});

const HIDDEN_AT = '2025-01-02T03:04:05.678Z';

/** A question of AUTHOR's as the rules see it: shown and unanswered unless told otherwise. */
const facts = (
  status: QuestionStatus,
  overrides: { hiddenAt?: string | null; answeredAt?: string | null } = {},
) => ({ authorId: AUTHOR, status, hiddenAt: null, answeredAt: null, ...overrides });

const meeting = (state: MeetingState, paused = false) => ({ state, paused });

/** The domain error a call throws; fails the test when it does not throw one. */
function refusal(call: () => unknown): DomainError {
  try {
    call();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('isModerator', () => {
  it.each([
    ['display', false],
    ['member', false],
    ['moderator', true],
    ['admin', true],
    ['owner', true],
  ] as const)('%s → %s', (role, expected) => {
    expect(isModerator(actor(role))).toBe(expected);
  });
});

describe('canSee', () => {
  it('shows open and answered questions to everyone, a display included', () => {
    for (const status of ['OPEN', 'ANSWERED'] as const) {
      for (const role of ['display', 'member', 'moderator', 'admin', 'owner'] as const) {
        expect(canSee(facts(status), actor(role))).toBe(true);
      }
    }
  });

  it('shows a question under review only to moderators and above and to its author', () => {
    const pending = facts('UNDER_REVIEW');
    expect(canSee(pending, actor('member'))).toBe(false);
    expect(canSee(pending, actor('display'))).toBe(false);
    expect(canSee(pending, actor('member', AUTHOR))).toBe(true);
    expect(canSee(pending, actor('moderator'))).toBe(true);
    expect(canSee(pending, actor('admin'))).toBe(true);
    expect(canSee(pending, actor('owner'))).toBe(true);
  });
});

describe('audienceOf', () => {
  it('sends anything about a question under review or hidden to moderators only', () => {
    expect(audienceOf(facts('UNDER_REVIEW'))).toBe('moderators');
    expect(audienceOf(facts('OPEN'))).toBe('all');
    expect(audienceOf(facts('ANSWERED'))).toBe('all');
    expect(audienceOf(facts('OPEN', { hiddenAt: HIDDEN_AT }))).toBe('moderators');
    expect(audienceOf(facts('ANSWERED', { hiddenAt: HIDDEN_AT }))).toBe('moderators');
  });
});

describe('statusOnSubmit', () => {
  it('is UNDER_REVIEW when the meeting requires approval, OPEN otherwise', () => {
    expect(statusOnSubmit(true)).toBe('UNDER_REVIEW');
    expect(statusOnSubmit(false)).toBe('OPEN');
  });
});

describe('checkBodyLength', () => {
  const limits = settings({ minQuestionLength: 3, maxQuestionLength: 5 });

  it('accepts lengths within the limits, inclusive', () => {
    expect(() => checkBodyLength('abc', limits)).not.toThrow();
    expect(() => checkBodyLength('abcd', limits)).not.toThrow();
    expect(() => checkBodyLength('abcde', limits)).not.toThrow();
  });

  it('refuses a body below the minimum with BAD_REQUEST naming body and the limit', () => {
    const error = refusal(() => checkBodyLength('ab', limits));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^body: /);
    expect(error.message).toContain('at least 3');
  });

  it('refuses a body above the maximum with BAD_REQUEST naming body and the limit', () => {
    const error = refusal(() => checkBodyLength('abcdef', limits));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^body: /);
    expect(error.message).toContain('at most 5');
  });

  it('counts characters, not UTF-16 code units', () => {
    expect(() => checkBodyLength('😀😀😀😀😀', limits)).not.toThrow();
    expect(refusal(() => checkBodyLength('😀😀😀😀😀😀', limits)).code).toBe('BAD_REQUEST');
    expect(refusal(() => checkBodyLength('😀😀', limits)).code).toBe('BAD_REQUEST');
  });

  it('applies the default range 1–2000', () => {
    expect(() => checkBodyLength('x', settings())).not.toThrow();
    expect(() => checkBodyLength('x'.repeat(2000), settings())).not.toThrow();
    expect(refusal(() => checkBodyLength('x'.repeat(2001), settings())).code).toBe('BAD_REQUEST');
    expect(refusal(() => checkBodyLength('', settings())).code).toBe('BAD_REQUEST');
  });
});

describe('checkAcceptsQuestions and checkAcceptsVotes', () => {
  it('accept questions and votes in an open meeting', () => {
    expect(() => checkAcceptsQuestions(meeting('open'))).not.toThrow();
    expect(() => checkAcceptsVotes(meeting('open'))).not.toThrow();
  });

  it.each(['scheduled', 'closed'] as const)('refuse both in a %s meeting, naming the state', (state) => {
    for (const check of [checkAcceptsQuestions, checkAcceptsVotes]) {
      const error = refusal(() => check(meeting(state)));
      expect(error.code).toBe('PRECONDITION_FAILED');
      expect(error.message).toMatch(new RegExp(`^The meeting is ${state}: `));
    }
  });

  it('refuse questions but not votes while the meeting is paused', () => {
    const error = refusal(() => checkAcceptsQuestions(meeting('open', true)));
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toMatch(/paused/);
    expect(() => checkAcceptsVotes(meeting('open', true))).not.toThrow();
  });
});

describe('checkCanUpvote', () => {
  it("allows an upvote of someone else's open question", () => {
    expect(() => checkCanUpvote(facts('OPEN'), actor('member'))).not.toThrow();
    expect(() => checkCanUpvote(facts('OPEN'), actor('owner'))).not.toThrow();
  });

  it('refuses your own question with FORBIDDEN, whatever your role', () => {
    for (const role of ['member', 'moderator', 'owner'] as const) {
      expect(refusal(() => checkCanUpvote(facts('OPEN'), actor(role, AUTHOR))).code).toBe('FORBIDDEN');
    }
  });

  it('refuses a hidden question with PRECONDITION_FAILED, even to moderators', () => {
    const error = refusal(() => checkCanUpvote(facts('OPEN', { hiddenAt: HIDDEN_AT }), actor('moderator')));
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toMatch(/hidden/i);
  });

  it('refuses answered questions and questions under review with PRECONDITION_FAILED', () => {
    for (const status of ['ANSWERED', 'UNDER_REVIEW'] as const) {
      expect(refusal(() => checkCanUpvote(facts(status), actor('moderator'))).code).toBe(
        'PRECONDITION_FAILED',
      );
    }
  });
});

describe('checkCanModerate', () => {
  it('refuses a question under review, naming the action', () => {
    const error = refusal(() => checkCanModerate(facts('UNDER_REVIEW'), 'pin'));
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toContain('pin');
  });

  it('allows open and answered questions', () => {
    expect(() => checkCanModerate(facts('OPEN'), 'answer')).not.toThrow();
    expect(() => checkCanModerate(facts('ANSWERED'), 'answer')).not.toThrow();
  });
});

describe('checkAwaitingReview', () => {
  it('passes only questions under review', () => {
    expect(() => checkAwaitingReview(facts('UNDER_REVIEW'))).not.toThrow();
    for (const status of ['OPEN', 'ANSWERED'] as const) {
      expect(refusal(() => checkAwaitingReview(facts(status))).code).toBe('PRECONDITION_FAILED');
    }
  });
});

describe('checkCanList', () => {
  it('lets only moderators and above list questions under review or hidden ones', () => {
    for (const filters of [{ status: 'UNDER_REVIEW' as const }, { hidden: true }]) {
      expect(refusal(() => checkCanList(filters, actor('member'))).code).toBe('FORBIDDEN');
      expect(refusal(() => checkCanList(filters, actor('display'))).code).toBe('FORBIDDEN');
      for (const role of ['moderator', 'admin', 'owner'] as const) {
        expect(() => checkCanList(filters, actor(role))).not.toThrow();
      }
    }
  });

  it('lets everyone list the other statuses or no status, without hidden ones', () => {
    for (const status of [undefined, 'OPEN', 'ANSWERED'] as const) {
      expect(() => checkCanList({ status, hidden: false }, actor('member'))).not.toThrow();
      expect(() => checkCanList({ status }, actor('display'))).not.toThrow();
    }
  });
});

describe('canSee with hidden questions', () => {
  it('shows a hidden question to moderators and above only, not even to its author', () => {
    const hidden = facts('OPEN', { hiddenAt: HIDDEN_AT });
    expect(canSee(hidden, actor('member'))).toBe(false);
    expect(canSee(hidden, actor('member', AUTHOR))).toBe(false);
    expect(canSee(hidden, actor('display'))).toBe(false);
    for (const role of ['moderator', 'admin', 'owner'] as const)
      expect(canSee(hidden, actor(role))).toBe(true);
  });
});

describe('checkCanEdit', () => {
  const author = actor('member', AUTHOR);

  it('lets moderators edit any question in any meeting state', () => {
    for (const state of ['scheduled', 'open', 'closed'] as const) {
      for (const status of ['OPEN', 'ANSWERED', 'UNDER_REVIEW'] as const) {
        expect(() => checkCanEdit(facts(status), actor('moderator'), meeting(state))).not.toThrow();
      }
    }
  });

  it('lets the author edit an open or pending unanswered question while the meeting is open', () => {
    for (const status of ['OPEN', 'UNDER_REVIEW'] as const) {
      expect(() => checkCanEdit(facts(status), author, meeting('open'))).not.toThrow();
      expect(() => checkCanEdit(facts(status), author, meeting('open', true))).not.toThrow();
    }
  });

  it("refuses another member's question with FORBIDDEN", () => {
    expect(refusal(() => checkCanEdit(facts('OPEN'), actor('member'), meeting('open'))).code).toBe(
      'FORBIDDEN',
    );
  });

  it('refuses the author an answered question, or a meeting that is not open', () => {
    const answered = refusal(() => checkCanEdit(facts('ANSWERED'), author, meeting('open')));
    expect(answered.code).toBe('PRECONDITION_FAILED');
    expect(answered.message).toMatch(/answered/);
    const closed = refusal(() => checkCanEdit(facts('OPEN'), author, meeting('closed')));
    expect(closed.code).toBe('PRECONDITION_FAILED');
    expect(closed.message).toMatch(/^The meeting is closed: /);
  });
});

describe('checkCanWithdraw', () => {
  const author = actor('member', AUTHOR);

  it('lets only the author withdraw, even against a moderator', () => {
    expect(() => checkCanWithdraw(facts('OPEN'), author, meeting('open'))).not.toThrow();
    expect(() => checkCanWithdraw(facts('UNDER_REVIEW'), author, meeting('open'))).not.toThrow();
    expect(refusal(() => checkCanWithdraw(facts('OPEN'), actor('owner'), meeting('open'))).code).toBe(
      'FORBIDDEN',
    );
  });

  it('refuses an answered question and a closed meeting', () => {
    expect(refusal(() => checkCanWithdraw(facts('ANSWERED'), author, meeting('open'))).code).toBe(
      'PRECONDITION_FAILED',
    );
    const closed = refusal(() => checkCanWithdraw(facts('OPEN'), author, meeting('closed')));
    expect(closed.code).toBe('PRECONDITION_FAILED');
    expect(closed.message).toMatch(/^The meeting is closed: /);
  });
});

describe('checkCanHide, checkCanRestore and checkCanReopen', () => {
  it('hides shown open or answered questions only', () => {
    expect(() => checkCanHide(facts('OPEN'))).not.toThrow();
    expect(() => checkCanHide(facts('ANSWERED'))).not.toThrow();
    const pending = refusal(() => checkCanHide(facts('UNDER_REVIEW')));
    expect(pending.code).toBe('PRECONDITION_FAILED');
    expect(pending.message).toMatch(/approve or reject it first/);
    expect(refusal(() => checkCanHide(facts('OPEN', { hiddenAt: HIDDEN_AT }))).code).toBe('CONFLICT');
  });

  it('restores hidden questions only', () => {
    expect(() => checkCanRestore(facts('OPEN', { hiddenAt: HIDDEN_AT }))).not.toThrow();
    expect(refusal(() => checkCanRestore(facts('OPEN'))).code).toBe('CONFLICT');
  });

  it('reopens answered questions only', () => {
    expect(() => checkCanReopen(facts('ANSWERED'))).not.toThrow();
    for (const status of ['OPEN', 'UNDER_REVIEW'] as const) {
      expect(refusal(() => checkCanReopen(facts(status))).code).toBe('PRECONDITION_FAILED');
    }
  });
});

describe('cursor', () => {
  const top: Cursor = ['top', 7, '2025-01-02T03:04:05.678Z', OTHER];
  const newest: Cursor = ['newest', '2025-01-02T03:04:05.678Z', AUTHOR];

  it('round-trips both sorts', () => {
    expect(decodeCursor(encodeCursor(top), 'top')).toEqual(top);
    expect(decodeCursor(encodeCursor(newest), 'newest')).toEqual(newest);
    const zero: Cursor = ['top', 0, '2025-01-02T03:04:05.678Z', AUTHOR];
    expect(decodeCursor(encodeCursor(zero), 'top')).toEqual(zero);
  });

  it('encodes as URL-safe base64 without padding', () => {
    for (const cursor of [top, newest]) {
      expect(encodeCursor(cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it('refuses a cursor of the other sort', () => {
    expect(refusal(() => decodeCursor(encodeCursor(top), 'newest')).code).toBe('BAD_REQUEST');
    expect(refusal(() => decodeCursor(encodeCursor(newest), 'top')).code).toBe('BAD_REQUEST');
  });

  const encodeJson = (value: string) => Buffer.from(value).toString('base64url');

  it.each([
    ['an empty string', ''],
    ['text that is not base64 JSON', 'not a cursor at all'],
    ['JSON that is not a tuple', encodeJson('{"sort":"top"}')],
    ['a tuple with an unknown sort', encodeJson(`["oldest","2025-01-01T00:00:00.000Z","${AUTHOR}"]`)],
    ['a negative count', encodeJson(`["top",-1,"2025-01-01T00:00:00.000Z","${AUTHOR}"]`)],
    ['a fractional count', encodeJson(`["top",1.5,"2025-01-01T00:00:00.000Z","${AUTHOR}"]`)],
    ['a count given as text', encodeJson(`["top","1","2025-01-01T00:00:00.000Z","${AUTHOR}"]`)],
    ['a missing element', encodeJson('["top",1,"2025-01-01T00:00:00.000Z"]')],
    ['an extra element', encodeJson(`["newest","2025-01-01T00:00:00.000Z","${AUTHOR}","${OTHER}"]`)],
    ['a non-string id', encodeJson('["newest","2025-01-01T00:00:00.000Z",42]')],
    ['null', encodeJson('null')],
    ['a time that is not ISO-8601', encodeJson(`["newest","yesterday","${AUTHOR}"]`)],
    ['an id that is not a uuid', encodeJson('["top",1,"2025-01-01T00:00:00.000Z","x"]')],
    ['an injected id', encodeJson(`["newest","2025-01-01T00:00:00.000Z","${AUTHOR}' or '1'='1"]`)],
  ])('refuses %s with BAD_REQUEST naming cursor', (_label, value) => {
    for (const sort of ['top', 'newest'] as const) {
      const error = refusal(() => decodeCursor(value, sort));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(/^cursor: /);
    }
  });
});
