import { randomInt } from 'node:crypto';
import { type Kysely, type Migration, sql } from 'kysely';

/** Single-word names: the application's camel-case plugin renames result columns with underscores. */
interface EventRow {
  tenant: string;
  seq: number | string;
  type: string;
  data: string;
}

/** The question families whose payloads now carry the meeting. */
const QUESTION_EVENT = /^question:/;

/**
 * Meetings: every question, pin and pause now belongs to one. Each existing tenant gets one open
 * meeting titled "Q&A" that holds all of its questions and its queue's freeze, and the stored events
 * are rewritten to the new payloads (`meetingId` added), so streams resume across the upgrade.
 */
export const meetings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('meetings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('opens_at', 'text')
      .addColumn('closes_at', 'text')
      .addColumn('require_approval', 'integer')
      .addColumn('allow_guests', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text')
      .addColumn('closed_at', 'text')
      .execute();
    await db.schema.createIndex('meetings_tenant').on('meetings').columns(['tenant_id', 'state']).execute();
    await db.schema.createIndex('meetings_opens').on('meetings').columns(['state', 'opens_at']).execute();
    await db.schema.createIndex('meetings_closes').on('meetings').columns(['state', 'closes_at']).execute();

    await db.schema
      .createTable('meeting_visitors')
      .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
      .addColumn('visitor_id', 'text', (c) => c.notNull())
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('meeting_visitors_pk', ['meeting_id', 'visitor_id'])
      .execute();
    await db.schema
      .createTable('meeting_presence')
      .addColumn('instance_id', 'text', (c) => c.notNull())
      .addColumn('meeting_id', 'text', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
      .addColumn('watching', 'integer', (c) => c.notNull())
      .addColumn('seen_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('meeting_presence_pk', ['instance_id', 'meeting_id'])
      .execute();

    await db.schema
      .alterTable('questions')
      .addColumn('meeting_id', 'text', (c) => c.references('meetings.id').onDelete('cascade'))
      .execute();
    await db.schema.alterTable('questions').addColumn('hidden_at', 'text').execute();
    await db.schema.alterTable('questions').addColumn('edited_at', 'text').execute();
    await db.schema.alterTable('events').addColumn('meeting_id', 'text').execute();

    await moveIntoOneMeetingPerTenant(db);

    await db.schema
      .createIndex('questions_meeting_status')
      .on('questions')
      .columns(['meeting_id', 'status', 'submitted_at'])
      .execute();
    await db.schema.dropTable('queue_states').execute();
  },
};

async function moveIntoOneMeetingPerTenant(db: Kysely<unknown>): Promise<void> {
  const tenants = await sql<{ id: string; created: string; frozen: number | null }>`
    select t.id, t.created_at as created, q.frozen from tenants t left join queue_states q on q.tenant_id = t.id
  `.execute(db);
  const codes = new Set<string>();
  for (const tenant of tenants.rows) {
    const meetingId = crypto.randomUUID();
    const code = unusedCode(codes);
    await sql`
      insert into meetings (id, tenant_id, title, code, state, paused, created_at, opened_at)
      values (${meetingId}, ${tenant.id}, 'Q&A', ${code}, 'open', ${Number(tenant.frozen ?? 0)},
              ${tenant.created}, ${tenant.created})
    `.execute(db);
    await sql`update questions set meeting_id = ${meetingId} where tenant_id = ${tenant.id}`.execute(db);
    await addMeetingToEvents(db, tenant.id, meetingId);
  }
}

function unusedCode(taken: Set<string>): string {
  for (;;) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (!taken.has(code)) {
      taken.add(code);
      return code;
    }
  }
}

async function addMeetingToEvents(db: Kysely<unknown>, tenantId: string, meetingId: string): Promise<void> {
  const events = await sql<EventRow>`
    select tenant_id as tenant, seq, type, data from events where tenant_id = ${tenantId}
  `.execute(db);
  for (const event of events.rows) {
    if (!QUESTION_EVENT.test(event.type)) continue;
    const data = { meetingId, ...(JSON.parse(event.data) as object) };
    await sql`
      update events set meeting_id = ${meetingId}, data = ${JSON.stringify(data)}
      where tenant_id = ${event.tenant} and seq = ${event.seq}
    `.execute(db);
  }
}
