import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** Which stream a saved id belongs to: ids mean nothing on another server or tenant. */
interface StreamIdentity {
  baseUrl: string;
  tenant: string;
}

interface SavedState extends StreamIdentity {
  lastEventId: string;
}

function isSavedState(value: unknown): value is SavedState {
  if (typeof value !== 'object' || value === null) return false;
  const { baseUrl, tenant, lastEventId } = value as Record<string, unknown>;
  return typeof baseUrl === 'string' && typeof tenant === 'string' && typeof lastEventId === 'string';
}

function readSavedState(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file} cannot be read (${String(error)}); delete it to start from the live events`);
  }
}

/** The id of the last event a previous run saw on this stream, if any. */
export function loadLastEventId(file: string, stream: StreamIdentity): string | undefined {
  const saved = readSavedState(file);
  if (!isSavedState(saved)) return undefined;
  return saved.baseUrl === stream.baseUrl && saved.tenant === stream.tenant ? saved.lastEventId : undefined;
}

/** Saves the id through a temporary file, so a crash never leaves half a file behind. */
export function saveLastEventId(file: string, stream: StreamIdentity, lastEventId: string): void {
  const state: SavedState = { ...stream, lastEventId };
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state)}\n`);
  renameSync(temporary, file);
}
