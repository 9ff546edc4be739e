import { ROLES, type Role } from '@pulsestage/contracts';
import { describe, expect, it } from 'vitest';
import {
  type AccessRole,
  describePermission,
  hasPermission,
  type Permission,
  roleAtLeast,
} from './permissions.js';

const PERMISSION_NAMES: Permission[] = ['read', 'participate', 'moderate', 'manage', 'own'];

/** The product's role table, written out by hand rather than derived from the code under test. */
const EXPECTED: Record<AccessRole, Permission[]> = {
  display: ['read'],
  member: ['read', 'participate'],
  moderator: ['read', 'participate', 'moderate'],
  admin: ['read', 'participate', 'moderate', 'manage'],
  owner: ['read', 'participate', 'moderate', 'manage', 'own'],
};

describe('roles', () => {
  it('are ordered member < moderator < admin < owner', () => {
    expect(ROLES).toEqual(['member', 'moderator', 'admin', 'owner']);
  });

  it('roleAtLeast follows that order', () => {
    const rank: Record<Role, number> = { member: 0, moderator: 1, admin: 2, owner: 3 };
    for (const role of ROLES) {
      for (const minimum of ROLES) {
        expect(roleAtLeast(role, minimum), `${role} >= ${minimum}`).toBe(rank[role] >= rank[minimum]);
      }
    }
  });
});

describe('hasPermission', () => {
  for (const [role, allowed] of Object.entries(EXPECTED) as [AccessRole, Permission[]][]) {
    it(`grants ${role} exactly ${allowed.join(', ')}`, () => {
      for (const permission of PERMISSION_NAMES) {
        expect(hasPermission(role, permission), `${role} ${permission}`).toBe(allowed.includes(permission));
      }
    });
  }

  it('keeps a display link read-only whatever is asked', () => {
    expect(PERMISSION_NAMES.filter((permission) => hasPermission('display', permission))).toEqual(['read']);
  });
});

describe('describePermission', () => {
  it('names the least role that holds the permission', () => {
    expect(describePermission('read')).toBe('a member');
    expect(describePermission('participate')).toBe('at least member');
    expect(describePermission('moderate')).toBe('at least moderator');
    expect(describePermission('manage')).toBe('at least admin');
    expect(describePermission('own')).toBe('at least owner');
  });
});
