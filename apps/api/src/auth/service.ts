import {
  type CurrentUser,
  type JoinLinkSummary,
  MEETING_CODE_LENGTH,
  SSO_REQUIRED_MESSAGE,
} from '@pulsestage/contracts';
import type { Database } from '../db/schema.js';
import { conflict, forbidden, notFound, unauthorized } from '../errors.js';
import { findMeetingByCode } from '../meetings/repository.js';
import { checkNotRemoved } from '../tenants/removals.js';
import { addMember, findTenantById } from '../tenants/repository.js';
import { DISPLAY_TOKEN_PREFIX, displayCaller } from './credentials.js';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './passwords.js';
import { findJoinLinkTenant, findPasswordHash, findUser, saveUser, selectMemberships } from './repository.js';
import { createSession, invalidateSession, type Session } from './sessions.js';

interface SignedIn {
  token: string;
  session: Session;
  user: CurrentUser;
}

export async function currentUser(db: Database, userId: string): Promise<CurrentUser> {
  const user = await findUser(db, userId);
  const memberships = await selectMemberships(db, userId);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    guest: user.guest === 1,
    memberships: memberships.map((m) => ({ tenant: m.slug, name: m.name, role: m.role })),
  };
}

/** `userAgent`: the browser's, so its owner can tell the session apart from their others. */
async function startSession(db: Database, userId: string, userAgent: string | undefined): Promise<SignedIn> {
  const { token, session } = await createSession(db, userId, userAgent);
  return { token, session, user: await currentUser(db, userId) };
}

export async function insertUser(
  db: Database,
  user: { email: string | null; name: string; password: string | null },
): Promise<string> {
  const id = crypto.randomUUID();
  const passwordHash = user.password === null ? null : await hashPassword(user.password);
  const created = await saveUser(db, { id, email: user.email, name: user.name, passwordHash });
  if (!created) throw conflict('An account with this email already exists');
  return id;
}

export async function signUp(
  db: Database,
  input: { email: string; password: string; name: string },
  userAgent: string | undefined,
): Promise<SignedIn> {
  return startSession(db, await insertUser(db, input), userAgent);
}

export async function signIn(
  db: Database,
  input: { email: string; password: string },
  userAgent: string | undefined,
): Promise<SignedIn> {
  const user = await findPasswordHash(db, input.email);
  const valid = user?.passwordHash
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyAgainstDecoy(input.password);
  if (!user || !valid) throw unauthorized('Email or password is incorrect');
  return startSession(db, user.id, userAgent);
}

/** Ends the session and returns the tenants whose streams it may hold open. */
export async function signOut(
  db: Database,
  caller: { sessionId: string; user: { id: string } },
): Promise<string[]> {
  await invalidateSession(db, caller.sessionId);
  return tenantIdsOf(db, caller.user.id);
}

/** The tenants whose open streams a person's sessions may hold. */
export async function tenantIdsOf(db: Database, userId: string): Promise<string[]> {
  const memberships = await selectMemberships(db, userId);
  return memberships.map((membership) => membership.id);
}

/** Where a code leads: a tenant, with the guest rule in force, and the meeting for a meeting's code. */
interface Invitation {
  tenant: { id: string; slug: string; name: string; requireSso: boolean };
  allowGuests: boolean;
  meeting: JoinLinkSummary['meeting'];
}

const MEETING_CODE = new RegExp(`^\\d{${MEETING_CODE_LENGTH}}$`);

async function meetingInvitation(db: Database, code: string): Promise<Invitation> {
  const found = await findMeetingByCode(db, code);
  if (!found) throw notFound('There is no meeting with this code');
  return {
    tenant: { id: found.id, slug: found.slug, name: found.name, requireSso: found.requireSso === 1 },
    allowGuests: (found.meetingAllowsGuests ?? found.allowGuests) === 1,
    meeting: { id: found.meetingId, title: found.title, state: found.state },
  };
}

async function joinLinkInvitation(db: Database, code: string): Promise<Invitation> {
  const link = await findJoinLinkTenant(db, code);
  if (!link) throw notFound('This join link is not valid or has been revoked');
  return {
    tenant: { id: link.id, slug: link.slug, name: link.name, requireSso: link.requireSso === 1 },
    allowGuests: link.allowGuests === 1,
    meeting: null,
  };
}

/** A meeting's six digits (a closed meeting's still lead to its archive), or else a join link's code. */
function findInvitation(db: Database, code: string): Promise<Invitation> {
  return MEETING_CODE.test(code) ? meetingInvitation(db, code) : joinLinkInvitation(db, code);
}

/** What the join page shows before anyone joins: the code itself is the invitation. */
export async function describeJoinLink(db: Database, code: string): Promise<JoinLinkSummary> {
  const invitation = await findInvitation(db, code);
  return {
    tenant: invitation.tenant.slug,
    name: invitation.tenant.name,
    allowGuests: invitation.allowGuests,
    meeting: invitation.meeting,
  };
}

/** The tenant a display link shows, for a screen that opens it; refused when it is unknown or revoked. */
export async function openDisplay(db: Database, token: string): Promise<{ tenant: string }> {
  const display = token.startsWith(DISPLAY_TOKEN_PREFIX) ? await displayCaller(db, token) : null;
  if (!display) throw unauthorized('This display link is not valid or has been revoked');
  const tenant = await findTenantById(db, display.tenantId);
  if (!tenant) throw unauthorized('This display link is not valid or has been revoked');
  return { tenant: tenant.slug };
}

interface Joined {
  tenant: string;
  /** The meeting a meeting code leads to; null for a join link. */
  meetingId: string | null;
  /** Present when joining created a guest account and its session. */
  guestSession?: SignedIn;
}

/**
 * Joins the tenant behind a join link or a meeting code: as the signed-in user, or as a new guest when
 * a name is given and guests are welcome (a meeting's own setting, else its tenant's).
 */
export async function joinWithCode(
  db: Database,
  signedIn: { id: string; guest: boolean; ssoTenantId: string | null } | null,
  input: { code: string; name?: string | undefined },
  userAgent: string | undefined,
): Promise<Joined> {
  const invitation = await findInvitation(db, input.code);
  const { tenant } = invitation;
  const landing = { tenant: tenant.slug, meetingId: invitation.meeting?.id ?? null };
  const refuseGuests = () => {
    if (invitation.allowGuests) return;
    const what = invitation.meeting ? 'meeting' : 'organization';
    throw forbidden(`This ${what} does not accept guests; sign in to join`);
  };
  // Joining is a member's way in: where single sign-on is required, only through it.
  if (tenant.requireSso && signedIn?.ssoTenantId !== tenant.id) throw forbidden(SSO_REQUIRED_MESSAGE);
  if (signedIn) {
    if (signedIn.guest) refuseGuests();
    await checkNotRemoved(db, tenant, signedIn.id);
    await addMember(db, tenant.id, signedIn.id, 'member');
    return landing;
  }
  if (!input.name) throw unauthorized('Sign in, create an account, or give a name to join as a guest');
  refuseGuests();
  const guestId = await insertUser(db, { email: null, name: input.name, password: null });
  await addMember(db, tenant.id, guestId, 'member');
  return { ...landing, guestSession: await startSession(db, guestId, userAgent) };
}
