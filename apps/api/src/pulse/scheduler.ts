import { PULSE_INVITATION_DAYS, type PulseSettings } from '@pulsestage/contracts';
import { Cron } from 'croner';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import { appendEvent } from '../events/outbox/writer.js';
import { isoWeekOf, localDateAt, weekdayOf } from './calendar.js';
import { cohortOf } from './cohorts.js';
import { type PulseQuestionRow, selectActivePulseQuestions } from './questions-repository.js';
import {
  findPreviousSendQuestion,
  type InvitableMember,
  insertInvitations,
  insertSendOnce,
  type NewInvitation,
  type SendKey,
  selectExistingSends,
  selectInvitableMembers,
  sendKeyOf,
} from './sends-repository.js';
import { type EnabledPulseSettings, selectEnabledPulseSettings } from './settings-repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often each instance looks for due check-ins; an invitation goes out at most this late. */
const TICK_SECONDS = 5;

export interface PulseSchedulerOptions {
  /** Whether the server sends email (`SMTP_URL`): invitations of members who want email then wait for it. */
  mailEnabled: boolean;
  /** Told after each send, so the tenant's streams read its `checkin:opened` at once. */
  announce: (tenantId: string) => Promise<void>;
  log: (message: string, error?: unknown) => void;
}

/** A tenant's day whose cohort is due for its check-in. */
interface DueSend extends SendKey {
  settings: PulseSettings;
  hasActiveQuestion: boolean;
}

/** What one round did. */
export interface PulseRound {
  sent: SendKey[];
  /** Due, but the tenant has no active question: nothing is sent. */
  withoutQuestion: SendKey[];
}

type Schedule = Pick<PulseSettings, 'timeZone' | 'timeOfDay'>;

/**
 * The local date whose scheduled minute has passed, or undefined before today's. The latest minute at or
 * before `now` (daylight saving included) stays due until the end of its local day, so an instance back
 * from a restart sends what it missed; a past day is never sent late (a schedule turned on in the
 * morning does not invite yesterday's cohort).
 */
function dueDateOf({ timeZone, timeOfDay }: Schedule, now: Date): string | undefined {
  const [hours, minutes] = timeOfDay.split(':').map(Number);
  const daily = new Cron(`${minutes} ${hours} * * *`, { timezone: timeZone, paused: true });
  // previousRuns leaves out a run at exactly the reference: one millisecond later includes it.
  const occurrence = daily.previousRuns(1, new Date(now.getTime() + 1))[0];
  if (!occurrence || now.getTime() - occurrence.getTime() > DAY_MS) return undefined;
  const localDate = localDateAt(occurrence, timeZone);
  return localDate === localDateAt(now, timeZone) ? localDate : undefined;
}

/**
 * `dueDateOf` once per time zone and time of day in a round: most tenants share a few, and working out
 * a zone's dates takes a fraction of a millisecond each time.
 */
function dueDatesAt(now: Date): (schedule: Schedule) => string | undefined {
  const dates = new Map<string, string | undefined>();
  return (schedule) => {
    const key = `${schedule.timeZone} ${schedule.timeOfDay}`;
    if (!dates.has(key)) dates.set(key, dueDateOf(schedule, now));
    return dates.get(key);
  };
}

/** The tenant's send of the due date, when there is one and its weekday names a cohort. */
function dueSendOf(
  { tenantId, settings, hasActiveQuestion }: EnabledPulseSettings,
  localDate: string | undefined,
): DueSend | undefined {
  if (localDate === undefined) return undefined;
  const cohortName = settings.schedule[weekdayOf(localDate)];
  if (!cohortName || !settings.cohorts.includes(cohortName)) return undefined;
  return { tenantId, localDate, cohortName, settings, hasActiveQuestion };
}

/** Whether `question` comes after `previous` in the rotation's order (position, then age, then id). */
function comesAfter(question: PulseQuestionRow, previous: PulseQuestionRow): boolean {
  if (question.position !== previous.position) return question.position > previous.position;
  if (question.createdAt !== previous.createdAt) return question.createdAt > previous.createdAt;
  return question.id > previous.id;
}

const inviteesOf = (question: PulseQuestionRow, members: InvitableMember[]) =>
  question.teamId === null ? members : members.filter((member) => member.teamId === question.teamId);

/**
 * The next active question after the one this cohort was asked last, wrapping around. A team's question
 * is asked only of that team, so one the cohort has nobody for is passed over, unless no question has
 * anybody: then the next one is recorded as asked, of nobody, and the rotation moves on.
 */
function nextQuestion(
  active: PulseQuestionRow[],
  previous: PulseQuestionRow | undefined,
  members: InvitableMember[],
): PulseQuestionRow | undefined {
  const start = previous ? active.findIndex((question) => comesAfter(question, previous)) : 0;
  const rotation = start <= 0 ? active : [...active.slice(start), ...active.slice(0, start)];
  return rotation.find((question) => inviteesOf(question, members).length > 0) ?? rotation[0];
}

function invitationOf(member: InvitableMember, mailEnabled: boolean, now: Date): NewInvitation {
  return mailEnabled && member.canBeEmailed
    ? { userId: member.userId, emailState: 'pending', emailNextAt: now.toISOString() }
    : { userId: member.userId, emailState: 'none', emailNextAt: null };
}

type SendOutcome = 'sent' | 'taken' | 'no-question';

/**
 * One transaction: claims the day and cohort (a concurrent instance's claim makes this one stop),
 * invites each member of the cohort once, and appends `checkin:opened`.
 */
function createSend(db: Database, due: DueSend, now: Date, mailEnabled: boolean): Promise<SendOutcome> {
  return db.transaction().execute(async (trx) => {
    const active = await selectActivePulseQuestions(trx, due.tenantId);
    const members = (await selectInvitableMembers(trx, due.tenantId)).filter(
      (member) => cohortOf(member.userId, due.settings.cohorts) === due.cohortName,
    );
    const question = nextQuestion(active, await findPreviousSendQuestion(trx, due), members);
    if (!question) return 'no-question';
    const send = {
      id: crypto.randomUUID(),
      tenantId: due.tenantId,
      localDate: due.localDate,
      week: isoWeekOf(due.localDate),
      cohortName: due.cohortName,
      questionId: question.id,
      sentAt: now.toISOString(),
    };
    if (!(await insertSendOnce(trx, send))) return 'taken';
    const expiresAt = new Date(now.getTime() + PULSE_INVITATION_DAYS * DAY_MS).toISOString();
    await insertInvitations(
      trx,
      { tenantId: due.tenantId, sendId: send.id, expiresAt },
      inviteesOf(question, members).map((member) => invitationOf(member, mailEnabled, now)),
    );
    const event = {
      type: 'checkin:opened',
      data: { cohortName: due.cohortName, date: due.localDate },
    } as const;
    await appendEvent(trx, due.tenantId, event, 'all');
    return 'sent';
  });
}

const keyOf = ({ tenantId, localDate, cohortName }: SendKey): SendKey => ({
  tenantId,
  localDate,
  cohortName,
});

/**
 * One round: reads every enabled tenant's settings (one query) and the sends they already have, and
 * makes each send that is due. Any number of instances may run it at once: each day and cohort is
 * sent once.
 */
export async function sendDueCheckins(
  db: Database,
  clock: Clock,
  options: PulseSchedulerOptions,
): Promise<PulseRound> {
  const now = clock.now();
  const dueDateOf = dueDatesAt(now);
  const due = (await selectEnabledPulseSettings(db)).flatMap(
    (tenant) => dueSendOf(tenant, dueDateOf(tenant.settings)) ?? [],
  );
  const existing = await selectExistingSends(db, due);
  const round: PulseRound = { sent: [], withoutQuestion: [] };
  for (const send of due.filter((candidate) => !existing.has(sendKeyOf(candidate)))) {
    try {
      // A tenant without a question is told apart in the round's one query, not by a transaction each round.
      const outcome = send.hasActiveQuestion
        ? await createSend(db, send, now, options.mailEnabled)
        : 'no-question';
      if (outcome === 'sent') {
        round.sent.push(keyOf(send));
        await options.announce(send.tenantId);
      }
      if (outcome === 'no-question') round.withoutQuestion.push(keyOf(send));
    } catch (error) {
      options.log(`sending the pulse check-ins of tenant ${send.tenantId} failed`, error);
    }
  }
  return round;
}

export interface PulseScheduler {
  /** Runs a round now, after the one under way, and resolves when it is done. */
  runNow(): Promise<void>;
  /** Stops the timer and waits for the round under way. */
  stop(): Promise<void>;
}

/** Runs a round at start and every few seconds, one round at a time in this process. */
export function startPulseScheduler(
  db: Database,
  clock: Clock,
  options: PulseSchedulerOptions,
): PulseScheduler {
  let round = Promise.resolve();
  // Each day without a question is said once, not every few seconds until the day ends.
  let reported = new Set<string>();
  const runRound = async () => {
    const { withoutQuestion } = await sendDueCheckins(db, clock, options);
    const keys = new Set(withoutQuestion.map(sendKeyOf));
    for (const send of withoutQuestion) {
      if (!reported.has(sendKeyOf(send))) {
        options.log(
          `no active pulse question: tenant ${send.tenantId} sent no check-in on ${send.localDate}`,
        );
      }
    }
    reported = keys;
  };
  const runNow = () => {
    round = round
      .then(runRound)
      .catch((error: unknown) => options.log('looking for due pulse check-ins failed', error));
    return round;
  };
  const timer = new Cron(`*/${TICK_SECONDS} * * * * *`, { protect: true, unref: true }, runNow);
  void runNow();
  return {
    runNow,
    stop: async () => {
      timer.stop();
      await round;
    },
  };
}
