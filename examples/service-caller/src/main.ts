/**
 * Submits the question given as arguments, if any, in the tenant's open meeting, then prints the live
 * events of the tenant. The id of
 * the last event printed is saved, so the next run resumes right after it.
 *
 *   PULSESTAGE_TOKEN=pst_… node dist/main.js "Will the roadmap be shared?"
 */
import {
  asAccessDenied,
  createPulseStageClient,
  isPulseStageError,
  type PulseStageClient,
} from '@pulsestage/client';
import { describeEvent } from './describe-event.js';
import { HOW_TO_GET_A_TOKEN, readSettings, type Settings, SettingsError } from './settings.js';
import { loadLastEventId, saveLastEventId } from './state.js';

async function printEvents(
  client: PulseStageClient,
  settings: Settings,
  signal: AbortSignal,
  onConnected: () => void,
): Promise<void> {
  const { baseUrl, tenant, stateFile } = settings;
  const lastEventId = loadLastEventId(stateFile, { baseUrl, tenant });
  console.log(
    lastEventId
      ? `Resuming the events of "${tenant}" after #${lastEventId} (saved in ${stateFile}). Ctrl-C stops.`
      : `Listening to the live events of "${tenant}". Ctrl-C stops.`,
  );
  for await (const { id, event } of client.events({ tenant, lastEventId, signal, onConnected })) {
    // Presence counts carry no id: they say who watches, not what changed.
    if (id === undefined) continue;
    console.log(`#${id} ${describeEvent(event)}`);
    saveLastEventId(stateFile, { baseUrl, tenant }, id);
  }
}

/** Where the question is asked: the tenant's open meeting, the first one if several run at once. */
async function openMeetingOf(
  client: PulseStageClient,
  tenant: string,
): Promise<{ id: string; title: string }> {
  const { items } = await client.meeting.list.query({ tenant, when: 'open' });
  const [meeting] = items;
  if (!meeting) throw new Error(`"${tenant}" has no open meeting to ask in: open one from its home page.`);
  return meeting;
}

async function run(settings: Settings): Promise<void> {
  const client = createPulseStageClient({ baseUrl: settings.baseUrl, token: settings.token });
  const tenant = await client.tenant.get.query({ tenant: settings.tenant });
  console.log(`Connected to ${tenant.name} at ${settings.baseUrl}.`);
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  // Listen first, then ask: the stream is open before the question exists, so its event is printed.
  let connected = () => {};
  const listening = new Promise<void>((resolve) => {
    connected = resolve;
  });
  const printing = printEvents(client, settings, stop.signal, () => connected());
  await Promise.race([listening, printing]);
  if (settings.question) {
    const meeting = await openMeetingOf(client, settings.tenant);
    const question = await client.question.submit.mutate({
      tenant: settings.tenant,
      meetingId: meeting.id,
      body: settings.question,
    });
    console.log(`Submitted question ${question.id} in "${meeting.title}" (meeting ${meeting.id}).`);
  }
  await printing;
  console.log('Stopped. The next run resumes after the last event shown.');
}

/** What went wrong, in terms of the settings the user can change. */
function explain(error: unknown, { baseUrl, tenant, stateFile }: Settings): string {
  const denied = asAccessDenied(error);
  if (denied?.code === 'UNAUTHORIZED') {
    return `${baseUrl} refused PULSESTAGE_TOKEN: it is not a valid token or has been revoked. ${HOW_TO_GET_A_TOKEN}`;
  }
  if (denied) return `PULSESTAGE_TOKEN may not do this in "${tenant}": ${denied.message}.`;
  if (!isPulseStageError(error)) return error instanceof Error ? error.message : String(error);
  if (error.data?.code === 'BAD_REQUEST' && error.message.startsWith('lastEventId')) {
    return `${error.message}. ${stateFile} holds a position this server does not know (was its data reset?): delete it to start from the live events.`;
  }
  if (!error.data)
    return `No answer from the API at ${baseUrl} (${error.message}). Is it running? Set PULSESTAGE_URL.`;
  return `${error.data.code}: ${error.message}`;
}

async function main(): Promise<number> {
  let settings: Settings;
  try {
    settings = readSettings(process.env, process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(error.message);
    return 2;
  }
  try {
    await run(settings);
    return 0;
  } catch (error) {
    console.error(explain(error, settings));
    return 1;
  }
}

process.exitCode = await main();
