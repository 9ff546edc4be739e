import type { Role } from '@pulsestage/contracts';
import type { AccessRole } from '../auth/permissions.js';
import { roleAtLeast } from '../auth/permissions.js';
import { badRequest, forbidden, preconditionFailed } from '../errors.js';

export function checkCanCreateTenant(user: { guest: boolean }): void {
  if (user.guest) throw forbidden('Guests cannot create organizations');
}

function checkIsOwner(actorRole: AccessRole): void {
  if (actorRole !== 'owner') throw forbidden('Only an owner can change owners');
}

/** Only owners make or unmake owners. */
export function checkCanSetRole(actorRole: AccessRole, currentRole: Role, newRole: Role): void {
  if (currentRole === 'owner' || newRole === 'owner') checkIsOwner(actorRole);
}

/** Only owners remove owners. */
export function checkCanRemove(actorRole: AccessRole, currentRole: Role): void {
  if (currentRole === 'owner') checkIsOwner(actorRole);
}

function checkNotLastOwner(ownerCount: number): void {
  if (ownerCount <= 1) throw preconditionFailed('An organization needs at least one owner');
}

export function checkOwnerRemainsAfterRoleChange(ownerCount: number, currentRole: Role, newRole: Role): void {
  if (currentRole === 'owner' && newRole !== 'owner') checkNotLastOwner(ownerCount);
}

export function checkOwnerRemainsAfterRemoval(ownerCount: number, currentRole: Role): void {
  if (currentRole === 'owner') checkNotLastOwner(ownerCount);
}

/** A token never carries more power than the person who made it. */
export function checkTokenRole(actorRole: AccessRole, tokenRole: Role): void {
  if (actorRole === 'display' || !roleAtLeast(actorRole, tokenRole)) {
    throw forbidden(`You cannot create a token with the ${tokenRole} role`);
  }
}

export function checkQuestionLengths(min: number, max: number): void {
  if (min > max) throw badRequest('minQuestionLength: must not be greater than maxQuestionLength');
}
