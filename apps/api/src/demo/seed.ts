import type { Role } from '@pulsestage/contracts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TENANT } from '@pulsestage/contracts/demo';
import type { TenantAccess } from '../auth/access.js';
import { insertUser } from '../auth/service.js';
import { type Clock, systemClock } from '../clock.js';
import type { Database } from '../db/schema.js';
import { DomainError } from '../errors.js';
import { closeMeeting, createMeeting } from '../meetings/service.js';
import { tagQuestion } from '../questions/curation.js';
import { answerQuestion, submitQuestion, upvote } from '../questions/service.js';
import { createTag } from '../questions/tags.js';
import { createJoinLink } from '../tenants/links.js';
import { addMember, insertTenant } from '../tenants/repository.js';
import { createTeam } from '../tenants/teams.js';
import { type SeedPulse, seedPulse } from './pulse-history.js';

export { DEMO_ACCOUNTS, DEMO_PASSWORD } from '@pulsestage/contracts/demo';

interface SeedQuestion {
  body: string;
  team?: string;
  tags?: string[];
  upvotes: number;
  answer?: string;
}

interface SeedMeeting {
  title: string;
  description?: string;
  /** open: running now; closed: held and archived; scheduled: opens in `opensInDays`. */
  state: 'open' | 'closed' | 'scheduled';
  opensInDays?: number;
  questions: SeedQuestion[];
}

interface SeedTenant {
  slug: string;
  name: string;
  accounts: { email: string; name: string; role: Role }[];
  teams: string[];
  tags: { name: string; color: string }[];
  /** Seeded in this order; the list shows them by state whatever the order. */
  meetings: SeedMeeting[];
  pulse?: SeedPulse;
}

/** What the demo has had from the start: now the questions of its running meeting. */
const DECEMBER_QUESTIONS: SeedQuestion[] = [
  { body: 'What are the top three priorities for next quarter?', tags: ['Roadmap'], upvotes: 4 },
  {
    body: 'Will we keep the hybrid schedule after the office move?',
    tags: ['Remote work'],
    upvotes: 4,
    answer: 'Yes. Tuesday to Thursday in the office stays the default for every team.',
  },
  {
    body: 'How do we decide which features make it into the spring release?',
    team: 'Engineering',
    tags: ['Roadmap'],
    upvotes: 3,
  },
  { body: 'Can we get a clearer on-call rotation for weekends?', team: 'Engineering', upvotes: 3 },
  {
    body: 'What is the plan for the sales kickoff in January?',
    team: 'Sales',
    tags: ['Customers'],
    upvotes: 3,
  },
  {
    body: 'Is the learning budget changing next year?',
    tags: ['Benefits'],
    upvotes: 3,
    answer: 'It goes up to 1,500 per person and now covers conference travel.',
  },
  {
    body: 'How are we measuring customer satisfaction after the pricing change?',
    tags: ['Customers'],
    upvotes: 2,
  },
  {
    body: 'Could town halls be recorded for colleagues in other time zones?',
    tags: ['Culture'],
    upvotes: 2,
  },
  { body: 'When will the new laptop refresh start?', team: 'Engineering', upvotes: 2 },
  {
    body: 'What did we learn from the last outage?',
    team: 'Engineering',
    upvotes: 2,
    answer: 'The postmortem is on the wiki; the short version: we now fail over automatically.',
  },
  { body: 'Are there plans to hire in the Lisbon office?', upvotes: 2 },
  { body: 'How do commissions work for deals that span two quarters?', team: 'Sales', upvotes: 1 },
  { body: 'Can we have more no-meeting Fridays?', tags: ['Culture'], upvotes: 1 },
  { body: 'What happens to the mobile app roadmap after the reorg?', tags: ['Roadmap'], upvotes: 1 },
  {
    body: 'Is parental leave being extended?',
    tags: ['Benefits'],
    upvotes: 1,
    answer: 'Yes: 20 weeks for every parent from March.',
  },
  {
    body: 'Which customer segment grew fastest this year?',
    team: 'Sales',
    tags: ['Customers'],
    upvotes: 1,
  },
  { body: 'Will we open-source any of our internal tools?', team: 'Engineering', upvotes: 0 },
  { body: 'How can we nominate a colleague for the quarterly award?', tags: ['Culture'], upvotes: 0 },
  { body: 'What is the status of the new CRM migration?', team: 'Sales', upvotes: 0 },
  { body: 'Can we get standing desks in the new office?', upvotes: 0 },
];

const ENGINEERING_PEOPLE = [
  'Priya Shah',
  'Tom Becker',
  'Lena Vogel',
  'Marco Rossi',
  'Aiko Tanaka',
  'Samuel Okafor',
  'Jonas Weber',
  'Fatima Haddad',
  'Noah Fischer',
  'Chloe Martin',
  'Ravi Kumar',
  'Sofia Lopez',
  'Erik Lindqvist',
  'Hannah Schulz',
  'Diego Alvarez',
  'Mei Chen',
  'Lukas Braun',
  'Amara Nwosu',
];
const SALES_PEOPLE = [
  'Grace Kim',
  'Oliver Wright',
  'Isabel Costa',
  'Felix Wagner',
  'Nina Petrova',
  'Hugo Laurent',
  'Zoe Turner',
  'Mateo Silva',
  'Clara Hoffmann',
  'Yusuf Demir',
  'Emma Jansen',
  'Leo Moreau',
  'Julia Nowak',
  'Daniel Park',
  'Ines Ferreira',
  'Max Keller',
];

/** Enough colleagues in each team and cohort that the results pass the threshold, with gentle trends. */
const DEMO_PULSE: SeedPulse = {
  timeZone: 'Europe/Berlin',
  questions: [
    { text: 'My workload is sustainable.', scale: 'agree5', from: 2.9, to: 3.6 },
    {
      text: 'How likely are you to recommend working here to a friend?',
      scale: 'likely10',
      from: 6.2,
      to: 7.4,
    },
    { text: 'I know what is expected of me this week.', scale: 'agree5', from: 3.8, to: 4.1 },
    { text: 'The on-call rotation is fair.', scale: 'agree5', team: 'Engineering', from: 2.6, to: 3.4 },
  ],
  accountTeams: {
    'owner@demo.test': 'Engineering',
    'mod@demo.test': 'Sales',
    'alice@demo.test': 'Engineering',
    'bob@demo.test': 'Sales',
  },
  people: [
    ...ENGINEERING_PEOPLE.map((name) => ({ name, team: 'Engineering' })),
    ...SALES_PEOPLE.map((name) => ({ name, team: 'Sales' })),
  ],
};

const DEMO: SeedTenant = {
  slug: DEMO_TENANT,
  name: 'Demo Org',
  accounts: [...DEMO_ACCOUNTS],
  teams: ['Engineering', 'Sales'],
  tags: [
    { name: 'Roadmap', color: '#2563eb' },
    { name: 'Culture', color: '#db2777' },
    { name: 'Benefits', color: '#16a34a' },
    { name: 'Remote work', color: '#9333ea' },
    { name: 'Customers', color: '#ea580c' },
  ],
  meetings: [
    {
      title: 'November all-hands',
      description: 'Q3 results, the office move and the holiday party.',
      state: 'closed',
      questions: [
        {
          body: 'How did the third quarter compare with the plan?',
          tags: ['Roadmap'],
          upvotes: 3,
          answer: 'Revenue came in 4% above plan, and costs were on plan.',
        },
        {
          body: 'Will the holiday party be in person this year?',
          tags: ['Culture'],
          upvotes: 3,
          answer: 'Yes: 15 December at the Riverside hall, with a stream for remote colleagues.',
        },
        {
          body: 'When does the second floor of the new office open?',
          upvotes: 2,
          answer: 'On 2 December; desks can be booked from next week.',
        },
        { body: 'Can we get bike parking at the new office?', upvotes: 1 },
      ],
    },
    {
      title: 'December all-hands',
      description: 'The year in review and the plan for next year. Ask away!',
      state: 'open',
      questions: DECEMBER_QUESTIONS,
    },
    {
      title: 'Q1 kickoff',
      description: 'Goals, teams and the roadmap for the first quarter.',
      state: 'scheduled',
      opensInDays: 7,
      questions: [],
    },
  ],
  pulse: DEMO_PULSE,
};

const ACME: SeedTenant = {
  slug: 'acme',
  name: 'Acme Corp',
  accounts: [
    { email: 'owner@acme.test', name: 'Ada Acme', role: 'owner' },
    { email: 'carol@acme.test', name: 'Carol', role: 'member' },
  ],
  teams: ['Operations'],
  tags: [{ name: 'Safety', color: '#dc2626' }],
  meetings: [
    {
      title: 'Warehouse town hall',
      state: 'open',
      questions: [
        { body: 'When does the new warehouse open?', team: 'Operations', upvotes: 1 },
        { body: 'Are anvils still our best-selling product?', tags: ['Safety'], upvotes: 0 },
        {
          body: 'Will the rocket skates recall affect bonuses?',
          upvotes: 1,
          answer: 'No, bonuses are unaffected.',
        },
      ],
    },
  ],
};

async function seedTenant(db: Database, seed: SeedTenant, clock: Clock): Promise<void> {
  const tenant = await db.transaction().execute((trx) => insertTenant(trx, seed.slug, seed.name));
  const tenantId = tenant.id;

  const members: TenantAccess['actor'][] = [];
  const accounts = new Map<string, string>();
  for (const account of seed.accounts) {
    const userId = await insertUser(db, { ...account, password: DEMO_PASSWORD });
    await addMember(db, tenantId, userId, account.role);
    members.push({ id: userId, role: account.role });
    accounts.set(account.email, userId);
  }
  const [owner] = members;
  if (!owner) throw new Error(`${seed.slug} needs an owner`);
  const as = (actor: TenantAccess['actor']): TenantAccess => ({ tenant, actor });

  const teams = new Map<string, string>();
  for (const name of seed.teams) teams.set(name, (await createTeam(db, tenantId, name)).id);
  const tags = new Map<string, string>();
  for (const tag of seed.tags) tags.set(tag.name, (await createTag(db, tenantId, tag)).id);
  await createJoinLink(db, as(owner));

  for (const meeting of seed.meetings) await seedMeeting(db, as, members, { teams, tags }, meeting);
  if (seed.pulse) await seedPulse(db, as(owner), { teams, accounts }, seed.pulse, clock);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Questions are asked and answered while the meeting is open; a past meeting closes afterwards. */
async function seedMeeting(
  db: Database,
  as: (actor: TenantAccess['actor']) => TenantAccess,
  members: TenantAccess['actor'][],
  names: { teams: Map<string, string>; tags: Map<string, string> },
  seed: SeedMeeting,
): Promise<void> {
  const [owner] = members;
  if (!owner) throw new Error('a seeded tenant needs an owner');
  // An opening time already come opens the meeting at once.
  const opensInMs = seed.state === 'scheduled' ? (seed.opensInDays ?? 1) * DAY_MS : 0;
  const opensAt = new Date(Date.now() + opensInMs).toISOString();
  const meeting = await createMeeting(db, as(owner), {
    tenant: as(owner).tenant.slug,
    title: seed.title,
    description: seed.description ?? null,
    opensAt,
    closesAt: null,
    requireApproval: null,
    allowGuests: null,
  });
  const inMeeting = { tenant: as(owner).tenant.slug, meetingId: meeting.id };
  for (const [index, question] of seed.questions.entries()) {
    const author = members[index % members.length] ?? owner;
    const created = await submitQuestion(db, as(author), {
      ...inMeeting,
      body: question.body,
      notifyWhenAnswered: false,
      teamId: (question.team && names.teams.get(question.team)) || null,
    });
    const ref = { ...inMeeting, questionId: created.id };
    const voters = members.filter((member) => member.id !== author.id).slice(0, question.upvotes);
    for (const voter of voters) await upvote(db, as(voter), ref);
    for (const tag of question.tags ?? []) {
      const tagId = names.tags.get(tag);
      if (tagId) await tagQuestion(db, as(owner), { ...ref, tagId });
    }
    if (question.answer) await answerQuestion(db, as(owner), { ...ref, responseText: question.answer });
  }
  if (seed.state === 'closed') await closeMeeting(db, as(owner), meeting.id);
}

/**
 * Seeds the demo tenants when the database has no tenants yet; returns whether it did. When several
 * instances start on one empty database, the first to create a tenant seeds it and the others skip.
 */
export async function seedDemoData(db: Database, clock: Clock = systemClock): Promise<boolean> {
  const existing = await db.selectFrom('tenants').select('id').limit(1).executeTakeFirst();
  if (existing) return false;
  try {
    await seedTenant(db, DEMO, clock);
    await seedTenant(db, ACME, clock);
    return true;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'CONFLICT') return false;
    throw error;
  }
}
