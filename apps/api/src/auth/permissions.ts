import { ROLES, type Role } from '@pulsestage/contracts';

/** What each action needs, as in the role table of the specification. */
export const PERMISSIONS = {
  read: 'member',
  participate: 'member',
  moderate: 'moderator',
  manage: 'admin',
  own: 'owner',
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

/** A display link is a read-only principal below every member role. */
export type AccessRole = Role | 'display';

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

/** The lower of two roles: what a service token may do when its creator now holds less than it. */
export function lowerRole(a: Role, b: Role): Role {
  return roleAtLeast(a, b) ? b : a;
}

export function hasPermission(role: AccessRole, permission: Permission): boolean {
  if (role === 'display') return permission === 'read';
  return roleAtLeast(role, PERMISSIONS[permission]);
}

export function describePermission(permission: Permission): string {
  return permission === 'read' ? 'a member' : `at least ${PERMISSIONS[permission]}`;
}
