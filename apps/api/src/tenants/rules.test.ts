import { ROLES, type Role } from '@pulsestage/contracts';
import { describe, expect, it } from 'vitest';
import type { AccessRole } from '../auth/permissions.js';
import { DomainError } from '../errors.js';
import { checkCanChangeRole, checkOwnerRemains, checkQuestionLengths, checkTokenRole } from './rules.js';

/** The DomainError code `check` throws, or null when it accepts. */
function refusal(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

const ACTORS: AccessRole[] = [...ROLES, 'display'];
const TARGETS: (Role | null)[] = [...ROLES, null];

describe('checkCanChangeRole', () => {
  it('lets an owner make, change and remove anyone, owners included', () => {
    for (const current of ROLES) {
      for (const next of TARGETS) {
        expect(
          refusal(() => checkCanChangeRole('owner', current, next)),
          `${current} -> ${next}`,
        ).toBeNull();
      }
    }
  });

  it('refuses anyone else touching an owner, or making one, with FORBIDDEN', () => {
    for (const actor of ACTORS.filter((role) => role !== 'owner')) {
      for (const next of TARGETS) {
        expect(
          refusal(() => checkCanChangeRole(actor, 'owner', next)),
          `${actor}: owner -> ${next}`,
        ).toBe('FORBIDDEN');
      }
      for (const current of ROLES) {
        expect(
          refusal(() => checkCanChangeRole(actor, current, 'owner')),
          `${actor}: ${current} -> owner`,
        ).toBe('FORBIDDEN');
      }
    }
  });

  it('lets an admin change and remove non-owners', () => {
    for (const current of ['member', 'moderator', 'admin'] as const) {
      for (const next of ['member', 'moderator', 'admin', null] as const) {
        expect(
          refusal(() => checkCanChangeRole('admin', current, next)),
          `${current} -> ${next}`,
        ).toBeNull();
      }
    }
  });
});

describe('checkOwnerRemains', () => {
  it('refuses demoting or removing the only owner with PRECONDITION_FAILED', () => {
    for (const next of ['member', 'moderator', 'admin', null] as const) {
      expect(
        refusal(() => checkOwnerRemains(1, 'owner', next)),
        `owner -> ${next}`,
      ).toBe('PRECONDITION_FAILED');
      expect(refusal(() => checkOwnerRemains(0, 'owner', next))).toBe('PRECONDITION_FAILED');
    }
  });

  it('allows it when another owner remains, and keeping an owner an owner', () => {
    for (const next of ['member', 'moderator', 'admin', null] as const) {
      expect(refusal(() => checkOwnerRemains(2, 'owner', next))).toBeNull();
    }
    expect(refusal(() => checkOwnerRemains(1, 'owner', 'owner'))).toBeNull();
  });

  it('never blocks changes to non-owners', () => {
    for (const current of ['member', 'moderator', 'admin'] as const) {
      for (const next of TARGETS) {
        expect(
          refusal(() => checkOwnerRemains(1, current, next)),
          `${current} -> ${next}`,
        ).toBeNull();
      }
    }
  });
});

describe('checkTokenRole', () => {
  it('lets an actor create tokens up to their own role and refuses anything above', () => {
    for (const [actorRank, actor] of ROLES.entries()) {
      for (const [tokenRank, tokenRole] of ROLES.entries()) {
        const expected = tokenRank <= actorRank ? null : 'FORBIDDEN';
        expect(
          refusal(() => checkTokenRole(actor, tokenRole)),
          `${actor} -> ${tokenRole}`,
        ).toBe(expected);
      }
    }
  });

  it('refuses a display link every token', () => {
    for (const tokenRole of ROLES)
      expect(refusal(() => checkTokenRole('display', tokenRole))).toBe('FORBIDDEN');
  });
});

describe('checkQuestionLengths', () => {
  it('accepts a minimum up to the maximum', () => {
    expect(refusal(() => checkQuestionLengths(1, 2000))).toBeNull();
    expect(refusal(() => checkQuestionLengths(50, 50))).toBeNull();
  });

  it('refuses a minimum above the maximum with BAD_REQUEST naming the field', () => {
    expect(refusal(() => checkQuestionLengths(51, 50))).toBe('BAD_REQUEST');
    expect(() => checkQuestionLengths(2000, 1)).toThrow(/minQuestionLength/);
  });
});
