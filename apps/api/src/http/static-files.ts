import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlibConstants } from 'node:zlib';
import { sendError } from './responses.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Formats that are already compressed (images, fonts) gain nothing from another pass. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.webmanifest', '.txt', '.ico']);
/** Below this a compressed copy saves less than its headers cost. */
const MIN_COMPRESSIBLE_BYTES = 1024;
/**
 * Vite names every file under /assets/ by its content, so a name never changes meaning. Nothing else may be
 * kept: the service worker (sw.js) and the manifest must reach phones as soon as they change.
 */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

type Encoding = 'br' | 'gzip' | 'identity';

interface Representation {
  body: Buffer;
  etag: string;
}

/** One file as read and compressed once. */
interface CachedFile {
  variants: Partial<Record<Encoding, Representation>> & { identity: Representation };
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

async function compressedVariants(path: string, body: Buffer, hash: string) {
  const tag = (encoding: Encoding) => `"${hash}${encoding === 'identity' ? '' : `-${encoding}`}"`;
  const variants: CachedFile['variants'] = { identity: { body, etag: tag('identity') } };
  if (!COMPRESSIBLE.has(extname(path)) || body.length < MIN_COMPRESSIBLE_BYTES) return variants;
  const [br, gz] = await Promise.all([
    brotli(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY } }),
    gzipAsync(body, { level: 9 }),
  ]);
  if (br.length < body.length) variants.br = { body: br, etag: tag('br') };
  if (gz.length < body.length) variants.gzip = { body: gz, etag: tag('gzip') };
  return variants;
}

/**
 * The whole build, read and compressed once at start and kept in memory with its brotli and gzip
 * copies: serving a file then touches neither the disk nor libuv's thread pool, where file reads would
 * wait behind password hashing. A watcher (inotify, no thread pool) reloads what a rebuild changes.
 */
function createFileCache(root: string) {
  const files = new Map<string, CachedFile>();
  /** The newest reload of each path wins, however the reads of a burst of changes finish. */
  const generations = new Map<string, number>();

  async function load(path: string): Promise<void> {
    const generation = (generations.get(path) ?? 0) + 1;
    generations.set(path, generation);
    const file = await readCachedFile(path).catch(() => undefined);
    if (generations.get(path) !== generation) return;
    if (file) files.set(path, file);
    else files.delete(path);
  }

  const ready = readdir(root, { recursive: true })
    .then((names) => Promise.all(names.map((name) => load(join(root, name)))))
    .catch(() => {});
  watchBuild(root, (path) => void load(path));
  return async (path: string): Promise<CachedFile | undefined> => {
    await ready;
    return files.get(path);
  };
}

async function readCachedFile(path: string): Promise<CachedFile | undefined> {
  const info = await stat(path);
  if (!info.isFile()) return undefined;
  const body = await readFile(path);
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  return { variants: await compressedVariants(path, body, hash) };
}

/** Calls `changed` with the path of every file created, changed or removed under `root`. */
function watchBuild(root: string, changed: (path: string) => void): void {
  try {
    const watcher = watch(root, { recursive: true }, (_event, name) => {
      if (name) changed(join(root, name));
    });
    watcher.on('error', () => watcher.close());
    watcher.unref();
  } catch {
    // No build to watch (not built yet, or an API-only deployment): every page answers "not built".
  }
}

/** The q-value the Accept-Encoding header gives `encoding` (0 when absent or refused). */
function acceptance(header: string, encoding: Encoding): number {
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().split(';');
    if (name.trim().toLowerCase() !== encoding) continue;
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    const value = q ? Number(q.slice(2)) : 1;
    return Number.isFinite(value) ? value : 0;
  }
  return 0;
}

/** Brotli when the browser takes it (smaller), else gzip, else the file as it is. */
function chooseEncoding(acceptEncoding: string | undefined, variants: CachedFile['variants']): Encoding {
  const header = acceptEncoding ?? '';
  if (variants.br && acceptance(header, 'br') > 0) return 'br';
  if (variants.gzip && acceptance(header, 'gzip') > 0) return 'gzip';
  return 'identity';
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}

/** The file a path names inside `root`, or undefined for a path that tries to leave it. */
function resolveInside(root: string, decodedPath: string): string | undefined {
  const requested = normalize(join(root, decodedPath));
  return requested.startsWith(root + sep) ? requested : undefined;
}

function sendFile(req: IncomingMessage, res: ServerResponse, path: string, file: CachedFile, cache: string) {
  const encoding = chooseEncoding(req.headers['accept-encoding'], file.variants);
  const { body, etag } = file.variants[encoding] ?? file.variants.identity;
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    'cache-control': cache,
    etag,
  };
  if (file.variants.br || file.variants.gzip) headers.vary = 'Accept-Encoding';
  if (matchesEtag(req.headers['if-none-match'], etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  if (encoding !== 'identity') headers['content-encoding'] = encoding;
  headers['content-length'] = String(body.length);
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Serves the built web app, compressed when the browser accepts it: fingerprinted `/assets/` are
 * cached for a year, everything else is revalidated by ETag. Paths that are not files get index.html
 * so client routes work; a missing asset is a 404, never the page in its place.
 */
export function createStaticHandler(root: string) {
  const readCached = createFileCache(root);
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 'METHOD_NOT_SUPPORTED', `${req.method} is not supported here`);
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      sendError(res, 'BAD_REQUEST', 'The path is not valid URL encoding');
      return;
    }
    const requested = resolveInside(root, decoded);
    const asset = requested && !decoded.includes('\0') ? await readCached(requested) : undefined;
    if (asset && requested) {
      return sendFile(req, res, requested, asset, pathname.startsWith('/assets/') ? IMMUTABLE : REVALIDATE);
    }
    if (pathname.startsWith('/assets/')) {
      sendError(res, 'NOT_FOUND', 'No such file');
      return;
    }
    const indexPath = join(root, 'index.html');
    const index = await readCached(indexPath);
    if (!index) {
      sendError(res, 'NOT_FOUND', 'The web app is not built; run pnpm build, then start the server again');
      return;
    }
    sendFile(req, res, indexPath, index, REVALIDATE);
  };
}
