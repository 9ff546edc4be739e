import { pbkdf2 } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStaticHandler } from './static-files.js';

const SCRIPT = `export const greeting = ${JSON.stringify('hello from the room '.repeat(400))};\n`;
const MANIFEST = JSON.stringify({ name: 'PulseStage', start_url: '/', display: 'standalone' });
const PAGE = `<!doctype html><html><body><div id="root">${'<p>PulseStage</p>'.repeat(100)}</div></body></html>`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw request (fetch would decompress, and normalizes `..` away). */
function get(url: string, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web app files', () => {
  let root: string;
  let secretDir: string;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const parent = mkdtempSync(join(tmpdir(), 'pulsestage-static-'));
    root = join(parent, 'dist');
    secretDir = parent;
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), PAGE);
    writeFileSync(join(root, 'assets', 'index-AbC123.js'), SCRIPT);
    writeFileSync(join(root, 'assets', 'logo-Xy9.png'), Buffer.alloc(4096, 7));
    writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, 'manifest.webmanifest'), MANIFEST);
    writeFileSync(join(root, 'sw.js'), "self.addEventListener('fetch', () => {});\n");
    writeFileSync(join(root, 'icon-192.png'), Buffer.alloc(2048, 1));
    writeFileSync(join(parent, 'secret.txt'), 'not for the web');
    const serve = createStaticHandler(root);
    server = createServer((req, res) => {
      void serve(req, res, new URL(req.url ?? '/', 'http://localhost').pathname);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(secretDir, { recursive: true, force: true });
  });

  it('sends brotli or gzip by Accept-Encoding, and the file as it is to a client that takes neither', async () => {
    const br = await get(url, '/assets/index-AbC123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(SCRIPT.length / 10);
    expect(brotliDecompressSync(br.body).toString()).toBe(SCRIPT);

    const gz = await get(url, '/assets/index-AbC123.js', { 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);

    const plain = await get(url, '/assets/index-AbC123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.body.toString()).toBe(SCRIPT);
    expect(new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size).toBe(3);
  });

  it('compresses the page too, and leaves images and tiny files alone', async () => {
    const page = await get(url, '/', { 'accept-encoding': 'br' });
    expect(page.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(page.body).toString()).toBe(PAGE);
    for (const path of ['/assets/logo-Xy9.png', '/favicon.svg']) {
      const answer = await get(url, path, { 'accept-encoding': 'br, gzip' });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBeUndefined();
      expect(answer.headers.vary).toBeUndefined();
    }
  });

  it('caches fingerprinted assets for a year and makes everything else revalidate', async () => {
    const asset = await get(url, '/assets/index-AbC123.js');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/t/demo/present', '/favicon.svg']) {
      const answer = await get(url, path);
      expect(answer.headers['cache-control']).toBe('no-cache');
      expect(answer.headers.etag).toMatch(/^"[\w-]+"$/);
    }
  });

  it('serves what installs the app with its own types, and never caches the worker or the manifest for good', async () => {
    const expected = {
      '/manifest.webmanifest': 'application/manifest+json',
      '/sw.js': 'text/javascript; charset=utf-8',
      '/icon-192.png': 'image/png',
    };
    for (const [path, type] of Object.entries(expected)) {
      const answer = await get(url, path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-type'], path).toBe(type);
      expect(answer.headers['cache-control'], path).toBe('no-cache');
      expect(answer.headers.etag, path).toMatch(/^"[\w-]+"$/);
    }
    expect((await get(url, '/manifest.webmanifest')).body.toString()).toBe(MANIFEST);
  });

  it('answers 304 without a body when the ETag still matches, and the file when it changed', async () => {
    const first = await get(url, '/t/demo', { 'accept-encoding': 'gzip' });
    const etag = String(first.headers.etag);
    const again = await get(url, '/t/demo', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['cache-control']).toBe('no-cache');

    writeFileSync(join(root, 'index.html'), `${PAGE}<!-- rebuilt -->`);
    const rebuilt = await vi.waitFor(
      async () => {
        const answer = await get(url, '/t/demo', { 'accept-encoding': 'gzip', 'if-none-match': etag });
        expect(answer.status).toBe(200);
        return answer;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(gunzipSync(rebuilt.body).toString()).toBe(`${PAGE}<!-- rebuilt -->`);
    writeFileSync(join(root, 'index.html'), PAGE);
    await vi.waitFor(async () => expect((await get(url, '/t/demo')).body.toString()).toBe(PAGE), {
      timeout: 10_000,
      interval: 50,
    });
  });

  it('answers HEAD with the headers only', async () => {
    const head = await get(url, '/assets/index-AbC123.js', { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.body.length).toBe(0);
  });

  it('never serves a file outside the build, however the path is spelled', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/%00.js',
    ]) {
      const answer = await get(url, path);
      expect(answer.body.toString(), path).not.toContain('not for the web');
      expect([200, 400, 404], path).toContain(answer.status);
    }
  });

  it('answers a missing asset with 404 rather than the page, and a client route with the page', async () => {
    const missing = await get(url, '/assets/index-Old999.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/json/);
    const route = await get(url, '/t/demo/moderate');
    expect(route.status).toBe(200);
    expect(route.body.toString()).toBe(PAGE);
  });

  it('serves every file of the build from memory while the thread pool is busy, and picks up new ones', async () => {
    await get(url, '/');
    // Keep every libuv thread busy (pbkdf2 runs there, as scrypt and file reads do) for seconds.
    const poolFinished: number[] = [];
    const poolWork = Array.from({ length: 4 }, () =>
      promisify(pbkdf2)('flood', 'salt', 4_000_000, 32, 'sha512').then(() => poolFinished.push(Date.now())),
    );
    const favicon = await get(url, '/favicon.svg');
    const logo = await get(url, '/assets/logo-Xy9.png');
    expect([favicon.status, logo.status]).toEqual([200, 200]);
    expect(poolFinished, 'the files were answered before any pool work ended').toEqual([]);
    await Promise.all(poolWork);

    writeFileSync(join(root, 'assets', 'later-Zz1.js'), SCRIPT);
    await vi.waitFor(async () => expect((await get(url, '/assets/later-Zz1.js')).status).toBe(200), {
      timeout: 10_000,
      interval: 50,
    });
    rmSync(join(root, 'assets', 'later-Zz1.js'));
    await vi.waitFor(async () => expect((await get(url, '/assets/later-Zz1.js')).status).toBe(404), {
      timeout: 10_000,
      interval: 50,
    });
  }, 60_000);

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get(url, '/', {}, 'POST')).status).toBe(405);
  });
});
