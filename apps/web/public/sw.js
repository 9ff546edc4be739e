/**
 * Lets an installed PulseStage open without a network: the app shell and icons are stored at install,
 * the fingerprinted /assets/ files as they are used, and a page opened offline gets the stored shell,
 * which then says it is offline. The API's answers are live data: they always come from the network.
 */
const CACHE = 'pulsestage-v1';
const SHELL = '/';
const ICONS = [
  '/favicon.svg',
  '/icon-192.png',
  '/icon-512.png',
  '/icon-maskable-512.png',
  '/apple-touch-icon.png',
];
const API_PATHS = ['/trpc', '/events', '/healthz', '/readyz', '/metrics'];
/** The server varies its files by Accept-Encoding, a header a page's request never shows the cache. */
const MATCH = { ignoreVary: true };

const isApiPath = (pathname) =>
  API_PATHS.some((path) => pathname === path || pathname.startsWith(`${path}/`));

/**
 * Stores the shell with the scripts and styles it names that are not stored yet, so that it can start
 * offline. A shell unlike the stored one is a newer version: every stored file it does not name goes,
 * so the cache never grows with each release. A page's script loaded on demand may go with them while
 * still current; it is stored again the next time it is used.
 */
async function storeShell(cache, response) {
  const html = await response.clone().text();
  const named = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
  const previous = await (await cache.match(SHELL, MATCH))?.text();
  const stored = await Promise.all(named.map((path) => cache.match(path, MATCH)));
  await cache.addAll(named.filter((_path, index) => !stored[index]));
  await cache.put(SHELL, response);
  if (previous !== undefined && previous !== html) await keepOnlyAssets(cache, named);
}

async function keepOnlyAssets(cache, kept) {
  const requests = await cache.keys();
  const superseded = requests.filter((request) => {
    const { pathname } = new URL(request.url);
    return pathname.startsWith('/assets/') && !kept.includes(pathname);
  });
  await Promise.all(superseded.map((request) => cache.delete(request)));
}

async function install() {
  const cache = await caches.open(CACHE);
  await cache.addAll(ICONS);
  await storeShell(cache, await fetch(SHELL, { cache: 'no-cache' }));
  await self.skipWaiting();
}

async function removeOldCaches() {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name)));
}

/** The page from the network, kept as the newest shell; the stored shell only when there is no network. */
async function networkFirst(event) {
  try {
    const response = await fetch(event.request);
    if (response.ok && response.headers.get('content-type')?.startsWith('text/html')) {
      // Copied now: once returned, the page reads the response, and a copy made later finds it used.
      const shell = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => storeShell(cache, shell)));
    }
    return response;
  } catch (error) {
    const shell = await caches.match(SHELL, MATCH);
    if (shell) return shell;
    throw error;
  }
}

/** A fingerprinted file never changes under its name: the stored copy is always right. */
async function cacheFirst(request) {
  const stored = await caches.match(request, MATCH);
  if (stored) return stored;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener('install', (event) => event.waitUntil(install()));
self.addEventListener('activate', (event) => event.waitUntil(removeOldCaches()));
self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || isApiPath(url.pathname)) return;
  if (url.pathname.startsWith('/assets/')) event.respondWith(cacheFirst(request));
  else if (request.mode === 'navigate') event.respondWith(networkFirst(event));
});
