/**
 * Summarizes V8 CPU profiles (`--profile DIR` of `pnpm bench` / `pnpm bench:write`, or any
 * `.cpuprofile`): self time by category (SQLite driver, pg driver, Kysely, tRPC, zod, JSON, socket
 * writes, GC, idle, …) and the functions with the most self time. When the harness recorded the
 * measured window next to a profile (`<name>.window.json`), only the samples inside it count, so
 * start-up, sign-ins and shutdown stay out.
 *
 *   pnpm --filter @pulsestage/bench profile-summary -- /tmp/profiles [--top 25] [--whole] [--json FILE]
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ProfileWindow } from './profiles.js';
import { formatNumber, table } from './report.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Native functions that write to sockets: the syscalls of the fan-out and of every response. */
const SOCKET_WRITES = new Set([
  'writev',
  'writeBuffer',
  'writeUtf8String',
  'writeLatin1String',
  'writeAsciiString',
  'writeUcs2String',
]);

const PG_PACKAGES =
  /node_modules\/(pg|pg-protocol|pg-pool|pg-types|pg-connection-string|pg-int8|pgpass|postgres-array|postgres-bytea|postgres-date|postgres-interval)\//;

const WEB_APIS =
  /^node:internal\/(deps\/undici|abort_controller|per_context\/domexception|webstreams|worker\/js_transferable|event_target|url)/;

/**
 * The category of a frame's own (self) time, or undefined for a native frame that belongs to
 * whoever called it. Order matters: the first rule that matches wins.
 */
function categoryOf({ functionName, url }: CallFrame): string | undefined {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)' || functionName === '(root)') return 'V8 / native, unattributed';
  if (url === '') {
    if (SOCKET_WRITES.has(functionName)) return 'socket writes (writev/write)';
    if (functionName === 'stringify' || functionName === 'parse') return 'JSON';
    if (functionName === 'runMicrotasks') return 'promises (microtask queue)';
    return undefined;
  }
  if (
    /node_modules\/better-sqlite3\/|kysely\/dist\/\w+\/dialect\/sqlite\/|\/apps\/api\/dist\/db\/database\.js/.test(
      url,
    )
  )
    return 'SQLite driver (better-sqlite3, statements)';
  if (PG_PACKAGES.test(url) || /kysely\/dist\/\w+\/dialect\/postgres\//.test(url)) return 'pg driver';
  if (url.includes('node_modules/kysely/')) return 'Kysely (query building, plugins, compile)';
  if (url.includes('node_modules/@trpc/')) return 'tRPC';
  if (url.includes('node_modules/zod/')) return 'zod';
  if (url.includes('node_modules/ioredis/')) return 'Redis client';
  if (url.includes('/apps/api/dist/events/') || url.includes('/apps/api/src/events/'))
    return 'PulseStage events/ (outbox, hub, engine)';
  if (/\/(apps|packages)\/[^/]+\/(dist|src)\//.test(url)) return 'PulseStage (other app code)';
  if (WEB_APIS.test(url)) return 'Web APIs (Request, AbortSignal, streams)';
  if (/^node:(_http_|http$|internal\/http)/.test(url)) return 'node:http (JS)';
  if (/^node:(net$|internal\/(streams|stream_base_commons|net))/.test(url)) return 'node streams / net (JS)';
  if (/^node:(internal\/)?crypto/.test(url)) return 'crypto';
  if (url.startsWith('node:')) return 'Node.js (other JS)';
  if (url.includes('/bench/src/')) return 'benchmark server code';
  return 'other JS';
}

/** Where a frame is, short: package-relative for dependencies, repository-relative for the app. */
function location({ url, lineNumber }: CallFrame): string {
  if (url === '') return 'native';
  let path = url.replace(/^file:\/\//, '');
  const packaged = path.lastIndexOf('node_modules/');
  if (packaged >= 0) path = path.slice(packaged + 'node_modules/'.length);
  else {
    const inRepo = /\/((apps|packages|bench)\/.*)$/.exec(path);
    if (inRepo?.[1]) path = inRepo[1];
  }
  return `${path}:${lineNumber + 1}`;
}

interface Entry {
  name: string;
  where: string;
  category: string;
  us: number;
}

interface Summary {
  file: string;
  label: string;
  windowUs: number;
  sampledUs: number;
  samples: number;
  count?: number;
  unit?: string;
  categories: Map<string, number>;
  functions: Entry[];
}

function summarize(file: string, whole: boolean): Summary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const windowFile = file.replace(/\.cpuprofile$/, '.window.json');
  const window =
    !whole && existsSync(windowFile)
      ? (JSON.parse(readFileSync(windowFile, 'utf8')) as ProfileWindow)
      : undefined;
  const from = window?.fromUs ?? profile.startTime;
  const to = window?.toUs ?? profile.endTime;

  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const categories = new Map<number, string>();
  const categoryOfNode = (id: number): string => {
    const known = categories.get(id);
    if (known) return known;
    const node = nodes.get(id);
    const own = node ? categoryOf(node.callFrame) : 'other JS';
    const parent = parents.get(id);
    // A native frame without a rule of its own is work its caller asked for.
    const category = own ?? (parent === undefined ? 'V8 / native, unattributed' : categoryOfNode(parent));
    categories.set(id, category);
    return category;
  };

  // Sample i lasts until sample i+1 (as DevTools counts it); only samples inside the window count.
  const selfUs = new Map<number, number>();
  let time = profile.startTime;
  let samples = 0;
  let sampledUs = 0;
  for (let index = 0; index < profile.samples.length; index++) {
    time += profile.timeDeltas[index] ?? 0;
    const duration = profile.timeDeltas[index + 1] ?? 0;
    if (time < from || time >= to) continue;
    const id = profile.samples[index] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + duration);
    samples++;
    sampledUs += duration;
  }

  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, Entry>();
  for (const [id, us] of selfUs) {
    const node = nodes.get(id);
    if (!node) continue;
    const category = categoryOfNode(id);
    byCategory.set(category, (byCategory.get(category) ?? 0) + us);
    const name = node.callFrame.functionName || '(anonymous)';
    const where = location(node.callFrame);
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { name, where, category, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
  }
  return {
    file,
    label: window?.label ?? basename(file),
    windowUs: to - from,
    sampledUs,
    samples,
    count: window?.count,
    unit: window?.unit,
    categories: byCategory,
    functions: [...byFunction.values()].sort((a, b) => b.us - a.us),
  };
}

const ms = (us: number) => formatNumber(us / 1000, 0);
const percent = (part: number, whole: number) =>
  whole > 0 ? `${formatNumber((100 * part) / whole, 1)} %` : '—';

function printSummary(summary: Summary, top: number): void {
  const busy = summary.sampledUs - (summary.categories.get('idle') ?? 0);
  const perUnit = summary.count && summary.unit ? summary.count : undefined;
  const lines = [
    `## ${summary.label}`,
    '',
    `${basename(summary.file)}: ${formatNumber(summary.windowUs / 1e6, 2)} s measured, ` +
      `${summary.samples.toLocaleString('en-US')} samples, busy ${percent(busy, summary.sampledUs)} of it` +
      (perUnit ? `, ${perUnit.toLocaleString('en-US')} ${summary.unit}s` : ''),
    '',
    table(
      [
        'category (self time)',
        'ms',
        '% of time',
        '% of busy',
        ...(perUnit ? [`µs per ${summary.unit}`] : []),
      ],
      [...summary.categories]
        .sort((a, b) => b[1] - a[1])
        .map(([category, us]) => [
          category,
          ms(us),
          percent(us, summary.sampledUs),
          category === 'idle' ? '' : percent(us, busy),
          ...(perUnit ? [formatNumber(us / perUnit, 0)] : []),
        ]),
    ),
    '',
    table(
      ['function (self time)', 'where', 'category', 'ms', '% of time'],
      summary.functions
        .slice(0, top)
        .map((entry) => [
          entry.name,
          entry.where,
          entry.category,
          ms(entry.us),
          percent(entry.us, summary.sampledUs),
        ]),
    ),
    '',
  ];
  console.log(lines.join('\n'));
}

/**
 * Tables with one column per profile: each category's share of the measured time and, when every
 * profile counted the same unit (mutations, events), its µs per unit.
 */
function printComparison(summaries: Summary[]): void {
  const totals = new Map<string, number>();
  for (const summary of summaries)
    for (const [category, us] of summary.categories)
      totals.set(category, (totals.get(category) ?? 0) + us / Math.max(1, summary.sampledUs));
  const order = [...totals].sort((a, b) => b[1] - a[1]).map(([category]) => category);
  const header = ['category', ...summaries.map((summary) => summary.label)];
  const idle = (summary: Summary) => summary.categories.get('idle') ?? 0;
  const shares = order.map((category) => [
    category,
    ...summaries.map((summary) => percent(summary.categories.get(category) ?? 0, summary.sampledUs)),
  ]);
  const lines = ['## Comparison: % of the measured time', '', table(header, shares), ''];
  const [first] = summaries;
  if (first?.unit && summaries.every((summary) => summary.count && summary.unit === first.unit)) {
    const perUnit = (summary: Summary, us: number) => formatNumber(us / (summary.count as number), 0);
    const rows = [
      ...order
        .filter((category) => category !== 'idle')
        .map((category) => [
          category,
          ...summaries.map((summary) => perUnit(summary, summary.categories.get(category) ?? 0)),
        ]),
      [
        'busy (all but idle)',
        ...summaries.map((summary) => perUnit(summary, summary.sampledUs - idle(summary))),
      ],
      ['idle', ...summaries.map((summary) => perUnit(summary, idle(summary)))],
    ];
    lines.push(`## Comparison: µs per ${first.unit}`, '', table(header, rows), '');
  }
  console.log(lines.join('\n'));
}

function profilesIn(paths: string[]): string[] {
  return paths.flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path)
          // Profiles of worker threads (node's default name with a thread id other than 0) are left out.
          .filter((file) => file.endsWith('.cpuprofile') && !/^CPU\.\d+\.\d+\.\d+\.[1-9]/.test(file))
          .sort()
          .map((file) => join(path, file))
      : [path],
  );
}

function main(): number {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '25' },
      whole: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length === 0) {
    console.log(
      'usage: pnpm --filter @pulsestage/bench profile-summary -- <file.cpuprofile | directory>… ' +
        '[--top N] [--whole] [--json FILE]\n' +
        '  --top N      functions to list per profile (default 25)\n' +
        '  --whole      count every sample, not only the measured window of <name>.window.json\n' +
        '  --json FILE  also write the summaries as JSON',
    );
    return values.help ? 0 : 2;
  }
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 0) throw new Error('--top: expected a whole number');
  const base = process.env.INIT_CWD ?? process.cwd();
  const files = profilesIn(positionals.map((path) => (path.startsWith('/') ? path : join(base, path))));
  if (files.length === 0) throw new Error('no .cpuprofile files found');
  const summaries = files.map((file) => summarize(file, values.whole));
  for (const summary of summaries) printSummary(summary, top);
  if (summaries.length > 1) printComparison(summaries);
  if (values.json) {
    const output = values.json.startsWith('/') ? values.json : join(base, values.json);
    writeFileSync(
      output,
      `${JSON.stringify(
        summaries.map((summary) => ({
          file: summary.file,
          label: summary.label,
          windowMs: summary.windowUs / 1000,
          sampledMs: summary.sampledUs / 1000,
          count: summary.count ?? null,
          unit: summary.unit ?? null,
          categories: Object.fromEntries(
            [...summary.categories]
              .sort((a, b) => b[1] - a[1])
              .map(([category, us]) => [category, us / 1000]),
          ),
          functions: summary.functions.slice(0, top).map((entry) => ({ ...entry, ms: entry.us / 1000 })),
        })),
        null,
        2,
      )}\n`,
    );
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
