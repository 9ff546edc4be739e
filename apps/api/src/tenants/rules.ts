import type { Role } from '@pulsestage/contracts';
import type { AccessRole } from '../auth/permissions.js';
import { roleAtLeast } from '../auth/permissions.js';
import { badRequest, forbidden, preconditionFailed } from '../errors.js';

export function checkCanCreateTenant(user: { guest: boolean }): void {
  if (user.guest) throw forbidden('Guests cannot create organizations');
}

/** Only owners make or unmake owners; `newRole` is null when the member is removed. */
export function checkCanChangeRole(actorRole: AccessRole, currentRole: Role, newRole: Role | null): void {
  if ((currentRole === 'owner' || newRole === 'owner') && actorRole !== 'owner') {
    throw forbidden('Only an owner can change owners');
  }
}

export function checkOwnerRemains(ownerCount: number, currentRole: Role, newRole: Role | null): void {
  if (currentRole === 'owner' && newRole !== 'owner' && ownerCount <= 1) {
    throw preconditionFailed('An organization needs at least one owner');
  }
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
