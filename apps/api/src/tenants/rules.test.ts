import { ROLES } from '@pulsestage/contracts';
import { describe, expect, it } from 'vitest';
import type { AccessRole } from '../auth/permissions.js';
import { DomainError } from '../errors.js';
import {
  checkCanRemove,
  checkCanSetRole,
  checkOwnerRemainsAfterRemoval,
  checkOwnerRemainsAfterRoleChange,
  checkQuestionLengths,
  checkTokenRole,
} from './rules.js';

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
const NON_OWNERS = ['member', 'moderator', 'admin'] as const;

describe('checkCanSetRole and checkCanRemove', () => {
  it('let an owner make, change and remove anyone, owners included', () => {
    for (const current of ROLES) {
      expect(
        refusal(() => checkCanRemove('owner', current)),
        `remove ${current}`,
      ).toBeNull();
      for (const next of ROLES) {
        expect(
          refusal(() => checkCanSetRole('owner', current, next)),
          `${current} -> ${next}`,
        ).toBeNull();
      }
    }
  });

  it('refuse anyone else touching an owner, or making one, with FORBIDDEN', () => {
    for (const actor of ACTORS.filter((role) => role !== 'owner')) {
      expect(
        refusal(() => checkCanRemove(actor, 'owner')),
        `${actor}: remove owner`,
      ).toBe('FORBIDDEN');
      for (const next of ROLES) {
        expect(
          refusal(() => checkCanSetRole(actor, 'owner', next)),
          `${actor}: owner -> ${next}`,
        ).toBe('FORBIDDEN');
      }
      for (const current of ROLES) {
        expect(
          refusal(() => checkCanSetRole(actor, current, 'owner')),
          `${actor}: ${current} -> owner`,
        ).toBe('FORBIDDEN');
      }
    }
  });

  it('let an admin change and remove non-owners', () => {
    for (const current of NON_OWNERS) {
      expect(
        refusal(() => checkCanRemove('admin', current)),
        `remove ${current}`,
      ).toBeNull();
      for (const next of NON_OWNERS) {
        expect(
          refusal(() => checkCanSetRole('admin', current, next)),
          `${current} -> ${next}`,
        ).toBeNull();
      }
    }
  });
});

describe('checkOwnerRemainsAfterRoleChange and checkOwnerRemainsAfterRemoval', () => {
  it('refuse demoting or removing the only owner with PRECONDITION_FAILED', () => {
    for (const owners of [0, 1]) {
      expect(refusal(() => checkOwnerRemainsAfterRemoval(owners, 'owner'))).toBe('PRECONDITION_FAILED');
      for (const next of NON_OWNERS) {
        expect(
          refusal(() => checkOwnerRemainsAfterRoleChange(owners, 'owner', next)),
          `owner -> ${next}`,
        ).toBe('PRECONDITION_FAILED');
      }
    }
  });

  it('allow it when another owner remains, and keeping an owner an owner', () => {
    expect(refusal(() => checkOwnerRemainsAfterRemoval(2, 'owner'))).toBeNull();
    for (const next of NON_OWNERS) {
      expect(refusal(() => checkOwnerRemainsAfterRoleChange(2, 'owner', next))).toBeNull();
    }
    expect(refusal(() => checkOwnerRemainsAfterRoleChange(1, 'owner', 'owner'))).toBeNull();
  });

  it('never block changes to non-owners', () => {
    for (const current of NON_OWNERS) {
      expect(
        refusal(() => checkOwnerRemainsAfterRemoval(1, current)),
        `remove ${current}`,
      ).toBeNull();
      for (const next of ROLES) {
        expect(
          refusal(() => checkOwnerRemainsAfterRoleChange(1, current, next)),
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
