import { z } from 'zod';
import { badRequest } from '../errors.js';

const submittedAt = z.iso.datetime();
const schemaByKind = {
  top: z.tuple([z.literal('top'), z.number().int().nonnegative(), submittedAt, z.uuid()]),
  newest: z.tuple([z.literal('newest'), submittedAt, z.uuid()]),
  /** The caller's own questions, newest first: its own kind, so no other list's cursor is taken for it. */
  mine: z.tuple([z.literal('mine'), submittedAt, z.uuid()]),
  /** The audit log, newest first: an entry's time and id. */
  audit: z.tuple([z.literal('audit'), z.iso.datetime(), z.uuid()]),
  /** One's notifications, newest first: a notification's time and id. */
  notifications: z.tuple([z.literal('notifications'), z.iso.datetime(), z.uuid()]),
};

type CursorByKind = { [Kind in keyof typeof schemaByKind]: z.infer<(typeof schemaByKind)[Kind]> };
type CursorKind = keyof CursorByKind;
export type Cursor = CursorByKind[CursorKind];

/** The same schemas typed by what they parse to, so that a kind's schema yields that kind's cursor. */
const cursorSchemas: { [Kind in CursorKind]: z.ZodType<CursorByKind[Kind]> } = schemaByKind;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** Reads a cursor of one kind only: another list's or sort's cursor is refused like a malformed one. */
export function decodeCursor<Kind extends CursorKind>(value: string, kind: Kind): CursorByKind[Kind] {
  try {
    return cursorSchemas[kind].parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
  } catch {
    throw badRequest('cursor: is not a cursor returned by this list and sort');
  }
}
