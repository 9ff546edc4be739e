import { z } from 'zod';
import { badRequest } from '../errors.js';

const submittedAt = z.iso.datetime();
const topCursor = z.tuple([z.literal('top'), z.number().int().nonnegative(), submittedAt, z.uuid()]);
const newestCursor = z.tuple([z.literal('newest'), submittedAt, z.uuid()]);
/** The caller's own questions, newest first: its own kind, so no other list's cursor is taken for it. */
const mineCursor = z.tuple([z.literal('mine'), submittedAt, z.uuid()]);
const cursorSchema = z.union([topCursor, newestCursor, mineCursor]);

export type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

type CursorKind = Cursor[0];

export function decodeCursor<Kind extends CursorKind>(
  value: string,
  kind: Kind,
): Extract<Cursor, [Kind, ...unknown[]]> {
  try {
    const parsed = cursorSchema.parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    if (parsed[0] === kind) return parsed as Extract<Cursor, [Kind, ...unknown[]]>;
  } catch {
    // falls through to the error below
  }
  throw badRequest('cursor: is not a cursor returned by this list and sort');
}
