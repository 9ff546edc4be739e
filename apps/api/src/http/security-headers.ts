import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Database } from '../db/schema.js';
import { findDisplayFrameOrigins } from '../tenants/safety.js';

/**
 * The policy every response carries. Scripts come only from this origin's files, and the page's own
 * inline scripts by their hashes (`scriptHashes`); styles only from its files: the loading frame is a
 * stylesheet, and React's `style` props and Chart.js set styles through the CSSOM, which `style-src`
 * does not restrict. The QR code is SVG drawn by React, the charts a canvas.
 */
function contentPolicy(scriptHashes: readonly string[]): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...scriptHashes].join(' '),
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * The policy's source for each inline script of the built page (`<script>` without attributes, such as
 * the one applying the chosen theme before the first paint): its SHA-256, so those run and no other.
 * None when the web app is not built.
 */
export function inlineScriptHashes(webDist: string): string[] {
  let html: string;
  try {
    html = readFileSync(join(webDist, 'index.html'), 'utf8');
  } catch {
    return [];
  }
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    ([, body = '']) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`,
  );
}

/** Powerful features no page of PulseStage uses, refused for it and for anything it might frame. */
const PERMISSIONS_POLICY = [
  'accelerometer',
  'bluetooth',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'hid',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'serial',
  'usb',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

const FIXED_HEADERS = Object.entries({
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': PERMISSIONS_POLICY,
  'cross-origin-opener-policy': 'same-origin',
});

/** `/t/<tenant>/present` (where display links land) and `/t/<tenant>/m/<meeting>/present`. */
const PRESENTER_DISPLAY = /^\/t\/([a-z0-9-]{1,48})\/(?:m\/[^/]+\/)?present\/?$/;

/** Tenants' origins are read again after this, so a changed setting holds within seconds. */
const ORIGINS_TTL_MS = 5000;
/** Bounds the cache against requests for made-up tenants; the oldest entry goes first. */
const ORIGINS_CACHE_MAX = 1000;

export interface SecurityHeaderOptions {
  db: Database;
  /** The page's inline scripts the policy allows, from {@link inlineScriptHashes}. */
  scriptHashes: readonly string[];
  /** Behind HTTPS (production): browsers are told to use nothing else (HSTS). */
  https: boolean;
  log: (message: string, error?: unknown) => void;
}

/** Only a well-formed origin reaches the header: a stray `;` or space would change the policy. */
function isOrigin(value: string): boolean {
  return URL.canParse(value) && new URL(value).origin === value;
}

/**
 * Each tenant's allowed framing origins, kept a few seconds so page loads do not each query them;
 * loads of one tenant at the same moment share one read.
 */
function createOriginsCache(db: Database, log: SecurityHeaderOptions['log']) {
  const cache = new Map<string, { origins: Promise<readonly string[]>; until: number }>();
  const read = async (tenantSlug: string): Promise<readonly string[]> => {
    try {
      return (await findDisplayFrameOrigins(db, tenantSlug)).filter(isOrigin);
    } catch (error) {
      log(`reading the framing origins of ${tenantSlug} failed; its display refuses frames meanwhile`, error);
      cache.delete(tenantSlug);
      return [];
    }
  };
  return (tenantSlug: string): Promise<readonly string[]> => {
    const now = Date.now();
    const cached = cache.get(tenantSlug);
    if (cached && cached.until > now) return cached.origins;
    cache.delete(tenantSlug);
    const oldest = cache.keys().next();
    if (cache.size >= ORIGINS_CACHE_MAX && !oldest.done) cache.delete(oldest.value);
    const origins = read(tenantSlug);
    cache.set(tenantSlug, { origins, until: now + ORIGINS_TTL_MS });
    return origins;
  };
}

/**
 * Sets the security headers on a response before anything is written, so every answer carries them:
 * pages, files, API calls, streams and errors. Nothing may frame a page (clickjacking, keyjacking)
 * except the presenter display, which a tenant may let named origins embed.
 */
export function createSecurityHeaders(options: SecurityHeaderOptions) {
  const allowedFramers = createOriginsCache(options.db, options.log);
  const policy = contentPolicy(options.scriptHashes);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [name, value] of FIXED_HEADERS) res.setHeader(name, value);
    if (options.https) res.setHeader('strict-transport-security', STRICT_TRANSPORT_SECURITY);
    const tenantSlug = PRESENTER_DISPLAY.exec((req.url ?? '/').split('?', 1)[0] ?? '/')?.[1];
    const framers = tenantSlug && req.method === 'GET' ? await allowedFramers(tenantSlug) : [];
    if (framers.length === 0) res.setHeader('x-frame-options', 'DENY');
    const frameAncestors = framers.length > 0 ? framers.join(' ') : "'none'";
    res.setHeader('content-security-policy', `${policy}; frame-ancestors ${frameAncestors}`);
  };
}
