import type { Actor } from '../auth/access.js';
import { forbidden, notFound } from '../errors.js';

export function checkIsAuthor(question: { authorId: string }, actor: Actor): void {
  if (question.authorId !== actor.id) {
    throw forbidden('Only its author can choose to be told when this question is answered');
  }
}

export function checkFound(found: boolean): void {
  if (!found) throw notFound('Notification not found');
}

/** Guests have no address, and only accounts with one can be emailed. */
export function canBeEmailed(user: { guest: number; email: string | null }): boolean {
  return user.guest === 0 && user.email !== null;
}
