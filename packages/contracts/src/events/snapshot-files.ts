// Node-only helpers for the committed JSON Schema snapshots. Deliberately NOT re-exported from
// src/index.ts so that browser bundles never pull in node:fs; import it by relative path.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JsonSchema, snapshotFileName } from './snapshots.js';

/** The exact text of a snapshot file: pretty JSON, 2-space indent, trailing newline. */
export function snapshotText(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/**
 * Reads every `*.json` snapshot in `dir` into a map keyed by wire name. A file is matched to the
 * wire name in `wireNames` whose `snapshotFileName` it is; a file that matches no known wire name
 * (a published version that was removed from code) is keyed by its file name so that
 * `findSchemaDrift` reports it. A missing directory reads as no snapshots.
 */
export function readSnapshots(dir: string, wireNames: Iterable<string>): Map<string, JsonSchema> {
  const nameByFile = new Map<string, string>();
  for (const name of wireNames) {
    const file = snapshotFileName(name);
    const other = nameByFile.get(file);
    if (other !== undefined && other !== name) {
      throw new Error(`wire names "${other}" and "${name}" share the snapshot file ${file}`);
    }
    nameByFile.set(file, name);
  }
  const snapshots = new Map<string, JsonSchema>();
  if (!existsSync(dir)) return snapshots;
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    let schema: JsonSchema;
    try {
      schema = JSON.parse(text) as JsonSchema;
    } catch (error) {
      throw new Error(`snapshot ${file} is not valid JSON: ${(error as Error).message}`);
    }
    snapshots.set(nameByFile.get(file) ?? file, schema);
  }
  return snapshots;
}

export interface WrittenSnapshot {
  readonly wireName: string;
  readonly file: string;
}

/**
 * Writes a snapshot for every schema in `current` that has no snapshot file in `dir` yet.
 * Never overwrites an existing file: published versions are frozen.
 */
export function writeMissingSnapshots(
  dir: string,
  current: ReadonlyMap<string, JsonSchema>,
): WrittenSnapshot[] {
  mkdirSync(dir, { recursive: true });
  const written: WrittenSnapshot[] = [];
  for (const [wireName, schema] of current) {
    const file = snapshotFileName(wireName);
    const path = join(dir, file);
    if (existsSync(path)) continue;
    // 'wx' fails instead of overwriting should the file appear in the meantime.
    writeFileSync(path, snapshotText(schema), { encoding: 'utf8', flag: 'wx' });
    written.push({ wireName, file });
  }
  return written;
}
