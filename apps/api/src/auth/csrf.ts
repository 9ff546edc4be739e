import type { IncomingHttpHeaders } from 'node:http';

const SAME_ORIGIN_FETCHES = new Set(['same-origin', 'none']);

/**
 * A browser mutation from another origin rides on the session cookie without the user's intent.
 * The API and the web app share one origin, so anything else is refused, sibling subdomains too.
 * Browsers say where a request comes from (Sec-Fetch-Site, or Origin on older ones); clients that
 * are not browsers send neither and are let through.
 */
export function isCrossSiteRequest(headers: IncomingHttpHeaders): boolean {
  const fetchSite = headers['sec-fetch-site'];
  if (typeof fetchSite === 'string') return !SAME_ORIGIN_FETCHES.has(fetchSite);
  const origin = headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== headers.host;
  } catch {
    return true;
  }
}
