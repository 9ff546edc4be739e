import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isoDateTime, uuid } from '../primitives.js';
import { questionAnsweredV1, questionCreatedV1 } from './payloads.js';
import { readSnapshots, snapshotText, writeMissingSnapshots } from './snapshot-files.js';
import { currentJsonSchemas, findSchemaDrift, type JsonSchema, snapshotFileName } from './snapshots.js';
import { publishedSchemas } from './wire.js';

const schemasDir = fileURLToPath(new URL('../../schemas/', import.meta.url));

describe('committed schema snapshots', () => {
  const current = currentJsonSchemas();

  it('cover every published wire name', () => {
    const missing = [...publishedSchemas().keys()].filter(
      (name) => !existsSync(join(schemasDir, snapshotFileName(name))),
    );
    expect(missing).toEqual([]);
    expect(current.size).toBe(publishedSchemas().size);
  });

  it('match the schemas in code exactly (no drift)', () => {
    expect(findSchemaDrift(current, readSnapshots(schemasDir, current.keys()))).toEqual([]);
  });

  it('are byte-for-byte what the snapshot script writes', () => {
    for (const [name, schema] of current) {
      expect(readFileSync(join(schemasDir, snapshotFileName(name)), 'utf8'), name).toBe(snapshotText(schema));
    }
  });
});

describe('findSchemaDrift', () => {
  const snapshots = currentJsonSchemas();

  it('reports nothing when code and snapshots agree', () => {
    expect(findSchemaDrift(currentJsonSchemas(), snapshots)).toEqual([]);
  });

  it('fails when a published schema gains a field, is removed, or has no snapshot', () => {
    const current = new Map(currentJsonSchemas());
    current.set(
      'question:answered',
      z.toJSONSchema(questionAnsweredV1.extend({ answeredAt: isoDateTime })) as JsonSchema,
    );
    current.delete('question:pinned');
    current.set(
      'question:answered.v4',
      z.toJSONSchema(questionAnsweredV1.extend({ answeredAt: isoDateTime, teamId: uuid.nullable() })),
    );

    const problems = findSchemaDrift(current, snapshots);

    expect(problems).toHaveLength(3);
    expect(problems).toContainEqual(expect.stringMatching(/^question:answered: published schema changed/));
    expect(problems).toContainEqual(expect.stringMatching(/^question:pinned: published version was removed/));
    expect(problems).toContainEqual(expect.stringMatching(/^question:answered\.v4: no snapshot yet/));
  });

  it('fails when only a constraint of a published schema changes', () => {
    const current = new Map(currentJsonSchemas());
    current.set(
      'question:created',
      z.toJSONSchema(questionCreatedV1.extend({ body: z.string().max(2000) })) as JsonSchema,
    );
    expect(findSchemaDrift(current, snapshots)).toEqual([
      'question:created: published schema changed; publish a new version instead',
    ]);
  });
});

describe('snapshot files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'contracts-snapshots-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every missing snapshot as pretty JSON and reads them back by wire name', () => {
    const current = currentJsonSchemas();
    const written = writeMissingSnapshots(dir, current);

    expect(written.map((w) => w.wireName)).toEqual([...current.keys()]);
    expect(written).toContainEqual({ wireName: 'question:answered.v2', file: 'question.answered.v2.json' });
    const text = readFileSync(join(dir, 'question.answered.v2.json'), 'utf8');
    expect(text).toBe(`${JSON.stringify(current.get('question:answered.v2'), null, 2)}\n`);

    const read = readSnapshots(dir, current.keys());
    expect([...read.keys()].sort()).toEqual([...current.keys()].sort());
    expect(findSchemaDrift(current, read)).toEqual([]);
  });

  it('never overwrites an existing snapshot, and the drift check then reports it', () => {
    const current = currentJsonSchemas();
    const frozen = `${JSON.stringify({ frozen: 'by hand' }, null, 2)}\n`;
    writeFileSync(join(dir, 'question.answered.json'), frozen);

    const written = writeMissingSnapshots(dir, current);

    expect(written.map((w) => w.wireName)).not.toContain('question:answered');
    expect(written).toHaveLength(current.size - 1);
    expect(readFileSync(join(dir, 'question.answered.json'), 'utf8')).toBe(frozen);
    expect(writeMissingSnapshots(dir, current)).toEqual([]);
    expect(findSchemaDrift(current, readSnapshots(dir, current.keys()))).toEqual([
      'question:answered: published schema changed; publish a new version instead',
    ]);
  });

  it('keys a snapshot with no wire name in code by its file name and ignores non-JSON files', () => {
    writeFileSync(join(dir, 'question.answered.v9.json'), '{}\n');
    writeFileSync(join(dir, 'README.md'), 'not a snapshot');
    const read = readSnapshots(dir, ['question:answered']);
    expect([...read.keys()]).toEqual(['question.answered.v9.json']);
    expect(findSchemaDrift(new Map(), read)).toEqual([
      'question.answered.v9.json: published version was removed',
    ]);
  });

  it('reads a missing folder as no snapshots and rejects invalid JSON naming the file', () => {
    expect(readSnapshots(join(dir, 'absent'), ['heartbeat']).size).toBe(0);
    writeFileSync(join(dir, 'heartbeat.json'), '{ broken');
    expect(() => readSnapshots(dir, ['heartbeat'])).toThrow(/heartbeat\.json is not valid JSON/);
  });

  it('rejects two wire names that would share one snapshot file', () => {
    expect(() => readSnapshots(dir, ['a:b.v2', 'a.b:v2'])).toThrow(/share the snapshot file a\.b\.v2\.json/);
  });
});
