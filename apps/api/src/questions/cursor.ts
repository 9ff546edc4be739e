import { z } from 'zod';
import { badRequest } from '../errors.js';

const submittedAt = z.iso.datetime();
const topCursor = z.tuple([z.literal('top'), z.number().int().nonnegative(), submittedAt, z.uuid()]);
const newestCursor = z.tuple([z.literal('newest'), submittedAt, z.uuid()]);
const cursorSchema = z.union([topCursor, newestCursor]);

export type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(value: string, sort: 'top' | 'newest'): Cursor {
  try {
    const parsed = cursorSchema.parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    if (parsed[0] === sort) return parsed;
  } catch {
    // falls through to the error below
  }
  throw badRequest('cursor: is not a cursor returned by this list and sort');
}
