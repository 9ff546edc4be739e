import { PULSE_SCALE_RANGE, type PulseScale } from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import { insertUser } from '../auth/service.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import { isoWeekOf, localDateAt, truncateToHour } from '../pulse/calendar.js';
import type { NewResponse } from '../pulse/checkins-repository.js';
import { createPulseQuestion } from '../pulse/questions.js';
import { sendDueCheckins } from '../pulse/scheduler.js';
import { updatePulseSettings } from '../pulse/settings.js';
import { addMember, updateMemberTeam } from '../tenants/repository.js';
import { recordAnswers, type SentInvitation, selectSentInvitations } from './pulse-history-repository.js';

export interface SeedPulseQuestion {
  text: string;
  scale: PulseScale;
  team?: string;
  /** The mean answer eight weeks ago and last week: the trend the dashboard draws. */
  from: number;
  to: number;
}

export interface SeedPulse {
  timeZone: string;
  questions: SeedPulseQuestion[];
  /** The team of each account that signs in, by email. */
  accountTeams: Record<string, string>;
  /** Colleagues who answer check-ins but cannot sign in (no password), so that groups reach the threshold. */
  people: { name: string; team: string }[];
}

/** The ids of what the tenant's seed created before pulse, by name (teams) and email (accounts). */
interface SeedIds {
  teams: ReadonlyMap<string, string>;
  accounts: ReadonlyMap<string, string>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HISTORY_WEEKS = 8;
/** Most invitations are answered, as in a team that cares about its check-ins. */
const ANSWER_RATE = 0.8;
const HISTORY_SEED = 20_261_130;

/** A small seeded generator (mulberry32), so the demo's answers follow the same pattern on every first start. */
function randomSequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The dates of the eight whole weeks before the current one, Monday first. */
function historyDates(now: Date, timeZone: string): string[] {
  const today = new Date(`${localDateAt(now, timeZone)}T00:00:00Z`);
  const daysSinceMonday = (today.getUTCDay() + 6) % 7;
  const start = today.getTime() - (daysSinceMonday + HISTORY_WEEKS * 7) * DAY_MS;
  return Array.from({ length: HISTORY_WEEKS * 7 }, (_, day) =>
    new Date(start + day * DAY_MS).toISOString().slice(0, 10),
  );
}

/**
 * Each past day's check-in, sent by the schedule itself at that day's time, so cohorts, rotation and
 * team questions are exactly what the live schedule continues from. The demo is seeded only into an
 * empty database, so no other tenant has check-ins due. Noon UTC is after the demo's 09:00 on the same
 * date in European time zones.
 */
async function sendPastCheckins(db: Database, dates: readonly string[]): Promise<void> {
  for (const date of dates) {
    const noon = new Date(`${date}T12:00:00Z`);
    await sendDueCheckins(
      db,
      { now: () => noon },
      { mailEnabled: false, announce: async () => {}, log: () => {} },
    );
  }
}

/** A score around the question's mean for that week, on its scale. */
function scoreFor(question: SeedPulseQuestion, weekIndex: number, random: () => number): number {
  const [lowest, highest] = PULSE_SCALE_RANGE[question.scale];
  const mean = question.from + ((question.to - question.from) * weekIndex) / (HISTORY_WEEKS - 1);
  const spread = (highest - lowest) / 4;
  const score = Math.round(mean + (random() + random() - 1) * spread);
  return Math.min(highest, Math.max(lowest, score));
}

function answerOf(
  tenantId: string,
  invitation: SentInvitation,
  question: SeedPulseQuestion,
  weeks: readonly string[],
  random: () => number,
): NewResponse {
  const answeredAt = new Date(Date.parse(invitation.sentAt) + Math.floor(random() * 10) * 60 * 60 * 1000);
  return {
    tenantId,
    questionId: invitation.questionId,
    week: invitation.week,
    teamId: invitation.teamId,
    cohortName: invitation.cohortName,
    score: scoreFor(question, weeks.indexOf(invitation.week), random),
    submittedAt: truncateToHour(answeredAt),
  };
}

/** Puts the accounts in their teams, and adds the colleagues who cannot sign in, each in a team. */
async function addColleagues(
  db: Database,
  tenant: { id: string; slug: string },
  ids: SeedIds,
  seed: SeedPulse,
): Promise<void> {
  const teamId = (name: string) => ids.teams.get(name) ?? null;
  for (const [email, team] of Object.entries(seed.accountTeams)) {
    const userId = ids.accounts.get(email);
    if (userId) await updateMemberTeam(db, tenant.id, userId, teamId(team));
  }
  for (const person of seed.people) {
    const email = `${person.name.toLowerCase().replace(/[^a-z]+/g, '.')}@${tenant.slug}.test`;
    const userId = await insertUser(db, { email, name: person.name, password: null });
    await addMember(db, tenant.id, userId, 'member');
    await updateMemberTeam(db, tenant.id, userId, teamId(person.team));
  }
}

/** The questions, in order, by the id each was created with. */
async function createQuestions(
  db: Database,
  access: TenantAccess,
  ids: SeedIds,
  seed: SeedPulse,
): Promise<Map<string, SeedPulseQuestion>> {
  const questions = new Map<string, SeedPulseQuestion>();
  for (const question of seed.questions) {
    const created = await createPulseQuestion(db, access, {
      tenant: access.tenant.slug,
      text: question.text,
      scale: question.scale,
      teamId: question.team ? (ids.teams.get(question.team) ?? null) : null,
    });
    questions.set(created.id, question);
  }
  return questions;
}

/** Answers most of the invitations sent, with scores that follow each question's trend. */
async function answerInvitations(
  db: Database,
  tenantId: string,
  questions: ReadonlyMap<string, SeedPulseQuestion>,
  weeks: readonly string[],
): Promise<void> {
  const random = randomSequence(HISTORY_SEED);
  const answered = (await selectSentInvitations(db, tenantId)).filter(() => random() < ANSWER_RATE);
  const responses = answered.flatMap((invitation) => {
    const question = questions.get(invitation.questionId);
    return question ? [answerOf(tenantId, invitation, question, weeks, random)] : [];
  });
  await recordAnswers(
    db,
    answered.map((invitation) => invitation.id),
    responses,
  );
}

/**
 * Pulse in a demo tenant: enabled at 09:00 in its time zone with the default cohorts, its questions,
 * everyone in a team, and eight weeks of check-ins up to last week, most of them answered, so the
 * results show trends on first start. Answers are stored as answering stores them: no user, no
 * invitation, the hour only.
 */
export async function seedPulse(
  db: Database,
  access: TenantAccess,
  ids: SeedIds,
  seed: SeedPulse,
  clock: Clock,
): Promise<void> {
  await addColleagues(db, access.tenant, ids, seed);
  await updatePulseSettings(db, access, {
    tenant: access.tenant.slug,
    enabled: true,
    timeZone: seed.timeZone,
    timeOfDay: '09:00',
  });
  const questions = await createQuestions(db, access, ids, seed);
  const dates = historyDates(clock.now(), seed.timeZone);
  await sendPastCheckins(db, dates);
  await answerInvitations(db, access.tenant.id, questions, [...new Set(dates.map(isoWeekOf))]);
}
