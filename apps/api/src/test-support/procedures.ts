import type { AnyTRPCProcedure } from '@trpc/server';
import { expect } from 'vitest';
import { appRouter } from '../router.js';

/** Every procedure of the router by its dotted path (`_def.procedures` is flat at runtime, nested in its type). */
export const routerProcedures = () =>
  appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;

/** Asserts that `table` has an entry of the right type for every procedure of the router, and no other. */
export function expectEntryPerProcedure(table: Record<string, { type: string }>): void {
  const procedures = routerProcedures();
  const missing = Object.keys(procedures).filter((path) => !Object.hasOwn(table, path));
  const stale = Object.keys(table).filter((path) => !Object.hasOwn(procedures, path));
  expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  for (const [path, procedure] of Object.entries(procedures)) {
    expect(`${path}: ${procedure._def.type}`).toBe(`${path}: ${table[path]?.type}`);
  }
}

type ValidationResult = { issues?: readonly unknown[] };
type StandardSchema = {
  '~standard': { validate(value: unknown): ValidationResult | Promise<ValidationResult> };
};

/** Runs one of a procedure's input parsers (a Standard Schema) on `value`. */
export async function validateInput(parser: unknown, value: unknown): Promise<ValidationResult> {
  return (parser as StandardSchema)['~standard'].validate(value);
}
