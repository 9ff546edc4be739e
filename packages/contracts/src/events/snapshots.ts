import { z } from 'zod';
import { publishedSchemas } from './wire.js';

export type JsonSchema = Record<string, unknown>;

export function currentJsonSchemas(): Map<string, JsonSchema> {
  return new Map([...publishedSchemas()].map(([name, schema]) => [name, z.toJSONSchema(schema)]));
}

export function snapshotFileName(wireName: string): string {
  return `${wireName.replace(':', '.')}.json`;
}

/**
 * Compares the schemas in code with the committed snapshots. Published versions are frozen:
 * any difference or removal is a breaking change for an existing consumer.
 */
export function findSchemaDrift(
  current: ReadonlyMap<string, JsonSchema>,
  snapshots: ReadonlyMap<string, JsonSchema>,
): string[] {
  const problems: string[] = [];
  for (const [name, snapshot] of snapshots) {
    const schema = current.get(name);
    if (!schema) problems.push(`${name}: published version was removed`);
    else if (JSON.stringify(schema) !== JSON.stringify(snapshot))
      problems.push(`${name}: published schema changed; publish a new version instead`);
  }
  for (const name of current.keys()) {
    if (!snapshots.has(name))
      problems.push(`${name}: no snapshot yet; run pnpm --filter @pulsestage/contracts snapshot-schemas`);
  }
  return problems;
}
