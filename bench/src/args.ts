import { parseArgs } from 'node:util';

export type OptionSpec =
  | { kind: 'int'; default: number; min?: number; help: string }
  | { kind: 'number'; default: number; min?: number; help: string }
  | { kind: 'string'; default?: string; help: string }
  | { kind: 'choice'; default: string; choices: readonly string[]; help: string }
  | { kind: 'flag'; help: string };

type Value<S extends OptionSpec> = S extends { kind: 'int' | 'number' }
  ? number
  : S extends { kind: 'flag' }
    ? boolean
    : S extends { kind: 'string'; default: string }
      ? string
      : S extends { kind: 'choice'; choices: readonly (infer C)[] }
        ? C
        : string | undefined;

export type Options<T extends Record<string, OptionSpec>> = { [K in keyof T]: Value<T[K]> };

export class UsageError extends Error {}

export function usage(command: string, specs: Record<string, OptionSpec>): string {
  const lines = Object.entries(specs).map(([name, spec]) => {
    const shown =
      spec.kind === 'flag'
        ? `--${name}`
        : spec.kind === 'choice'
          ? `--${name} ${spec.choices.join('|')}`
          : `--${name} <${spec.kind === 'string' ? 'value' : 'n'}>`;
    const fallback = 'default' in spec && spec.default !== undefined ? ` (default ${spec.default})` : '';
    return `  ${shown.padEnd(38)} ${spec.help}${fallback}`;
  });
  return `usage: ${command} [options]\n${lines.join('\n')}`;
}

/** Parses `--name value` options; a bare `--` (as pnpm passes it through) is ignored. */
export function parseOptions<T extends Record<string, OptionSpec>>(
  specs: T,
  argv: string[] = process.argv.slice(2),
): Options<T> & { help: boolean } {
  const args = argv.filter((arg) => arg !== '--');
  const parsed = (() => {
    try {
      return parseArgs({
        args,
        strict: true,
        allowPositionals: false,
        options: {
          help: { type: 'boolean', short: 'h' },
          ...Object.fromEntries(
            Object.entries(specs).map(([name, spec]) => [
              name,
              { type: spec.kind === 'flag' ? ('boolean' as const) : ('string' as const) },
            ]),
          ),
        },
      });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  })();
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const result: Record<string, unknown> = { help: values.help === true };
  for (const [name, spec] of Object.entries(specs)) {
    const raw = values[name];
    switch (spec.kind) {
      case 'flag':
        result[name] = raw === true;
        break;
      case 'int':
      case 'number': {
        if (raw === undefined) {
          result[name] = spec.default;
          break;
        }
        const value = Number(raw);
        const valid =
          typeof raw === 'string' &&
          raw.trim() !== '' &&
          Number.isFinite(value) &&
          (spec.kind === 'number' || Number.isInteger(value)) &&
          value >= (spec.min ?? Number.NEGATIVE_INFINITY);
        if (!valid) {
          const bound = spec.min === undefined ? '' : ` ≥ ${spec.min}`;
          throw new UsageError(
            `--${name}: expected ${spec.kind === 'int' ? 'an integer' : 'a number'}${bound}`,
          );
        }
        result[name] = value;
        break;
      }
      case 'choice': {
        const value = (raw as string | undefined) ?? spec.default;
        if (!spec.choices.includes(value))
          throw new UsageError(`--${name}: expected one of ${spec.choices.join(', ')}, got "${value}"`);
        result[name] = value;
        break;
      }
      case 'string':
        result[name] = (raw as string | undefined) ?? spec.default;
        break;
    }
  }
  return result as Options<T> & { help: boolean };
}
