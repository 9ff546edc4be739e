import type { TenantSettings } from '@pulsestage/contracts';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../auth/access.js';
import type { AccessRole } from '../auth/permissions.js';
import { DomainError } from '../errors.js';
import { type Cursor, decodeCursor, encodeCursor } from './cursor.js';
import {
  audienceOf,
  canSee,
  checkAwaitingReview,
  checkBodyLength,
  checkCanListStatus,
  checkCanModerate,
  checkCanUpvote,
  checkQueueOpen,
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
  ...overrides,
});

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
        expect(canSee({ authorId: AUTHOR, status }, actor(role))).toBe(true);
      }
    }
  });

  it('shows a question under review only to moderators and above and to its author', () => {
    const pending = { authorId: AUTHOR, status: 'UNDER_REVIEW' } as const;
    expect(canSee(pending, actor('member'))).toBe(false);
    expect(canSee(pending, actor('display'))).toBe(false);
    expect(canSee(pending, actor('member', AUTHOR))).toBe(true);
    expect(canSee(pending, actor('moderator'))).toBe(true);
    expect(canSee(pending, actor('admin'))).toBe(true);
    expect(canSee(pending, actor('owner'))).toBe(true);
  });
});

describe('audienceOf', () => {
  it('sends anything about a question under review to moderators only', () => {
    expect(audienceOf('UNDER_REVIEW')).toBe('moderators');
    expect(audienceOf('OPEN')).toBe('all');
    expect(audienceOf('ANSWERED')).toBe('all');
  });
});

describe('statusOnSubmit', () => {
  it('is UNDER_REVIEW when the tenant requires approval, OPEN otherwise', () => {
    expect(statusOnSubmit(settings({ requireApproval: true }))).toBe('UNDER_REVIEW');
    expect(statusOnSubmit(settings({ requireApproval: false }))).toBe('OPEN');
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

describe('checkQueueOpen', () => {
  it('refuses with PRECONDITION_FAILED naming the frozen queue, and passes an open one', () => {
    const error = refusal(() => checkQueueOpen(true));
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toMatch(/frozen/i);
    expect(() => checkQueueOpen(false)).not.toThrow();
  });
});

describe('checkCanUpvote', () => {
  it("allows an upvote of someone else's open question", () => {
    expect(() => checkCanUpvote({ authorId: AUTHOR, status: 'OPEN' }, actor('member'))).not.toThrow();
    expect(() => checkCanUpvote({ authorId: AUTHOR, status: 'OPEN' }, actor('owner'))).not.toThrow();
  });

  it('refuses your own question with FORBIDDEN, whatever your role', () => {
    for (const role of ['member', 'moderator', 'owner'] as const) {
      expect(
        refusal(() => checkCanUpvote({ authorId: AUTHOR, status: 'OPEN' }, actor(role, AUTHOR))).code,
      ).toBe('FORBIDDEN');
    }
  });

  it('refuses answered questions and questions under review with PRECONDITION_FAILED', () => {
    for (const status of ['ANSWERED', 'UNDER_REVIEW'] as const) {
      expect(refusal(() => checkCanUpvote({ authorId: AUTHOR, status }, actor('moderator'))).code).toBe(
        'PRECONDITION_FAILED',
      );
    }
  });
});

describe('checkCanModerate', () => {
  it('refuses a question under review, naming the action', () => {
    const error = refusal(() => checkCanModerate({ authorId: AUTHOR, status: 'UNDER_REVIEW' }, 'pin'));
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toContain('pin');
  });

  it('allows open and answered questions', () => {
    expect(() => checkCanModerate({ authorId: AUTHOR, status: 'OPEN' }, 'answer')).not.toThrow();
    expect(() => checkCanModerate({ authorId: AUTHOR, status: 'ANSWERED' }, 'answer')).not.toThrow();
  });
});

describe('checkAwaitingReview', () => {
  it('passes only questions under review', () => {
    expect(() => checkAwaitingReview({ authorId: AUTHOR, status: 'UNDER_REVIEW' })).not.toThrow();
    for (const status of ['OPEN', 'ANSWERED'] as const) {
      expect(refusal(() => checkAwaitingReview({ authorId: AUTHOR, status })).code).toBe(
        'PRECONDITION_FAILED',
      );
    }
  });
});

describe('checkCanListStatus', () => {
  it('lets only moderators and above list questions under review', () => {
    expect(refusal(() => checkCanListStatus('UNDER_REVIEW', actor('member'))).code).toBe('FORBIDDEN');
    expect(refusal(() => checkCanListStatus('UNDER_REVIEW', actor('display'))).code).toBe('FORBIDDEN');
    for (const role of ['moderator', 'admin', 'owner'] as const) {
      expect(() => checkCanListStatus('UNDER_REVIEW', actor(role))).not.toThrow();
    }
  });

  it('lets everyone list the other statuses or no status', () => {
    for (const status of [undefined, 'OPEN', 'ANSWERED'] as const) {
      expect(() => checkCanListStatus(status, actor('member'))).not.toThrow();
      expect(() => checkCanListStatus(status, actor('display'))).not.toThrow();
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
