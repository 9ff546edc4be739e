/**
 * nginx in front of API processes, running the deployment's own `deploy/nginx.conf`: rendered with this
 * run's ports, a self-signed certificate and a scratch directory, it needs no privileges and runs in the
 * foreground (Debian's `/usr/sbin/nginx`, or `NGINX_PATH`). Every nginx started here is stopped at exit.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitUntil, within } from './poll.js';
import { freePort } from './process.js';

export const DEPLOY_NGINX_CONF = fileURLToPath(new URL('../../../deploy/nginx.conf', import.meta.url));

/** The response header naming the instance that answered (`revealUpstream`). */
export const UPSTREAM_HEADER = 'x-upstream-addr';

const NGINX_PATH = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5000;

export interface NginxPorts {
  /** Plain HTTP that only redirects to HTTPS (port 80 in the deployment). */
  redirect: number;
  /** HTTPS with HTTP/2, for browsers (443). */
  https: number;
  /** Plain HTTP/1.1 for services (8080 on 127.0.0.1). */
  plain: number;
}

export interface NginxSettings {
  /** The API instances as `host:port`. */
  upstreams: string[];
  ports: NginxPorts;
  certificate: { cert: string; key: string };
  /** Where the pid file, logs and temporary files go. */
  dir: string;
  /** Send `X-Upstream-Addr` (which instance answered) with every response. */
  revealUpstream: boolean;
}

interface Substitution {
  what: string;
  pattern: RegExp;
  replacement: string;
  /** How many times the deployment file has it. */
  count: number;
}

/** Every `name …;` directive of the file (comments aside) with `value` instead. */
const directive = (what: string, name: string, value: string, count = 1): Substitution => ({
  what,
  pattern: new RegExp(`^( *)${name} [^;]+;`, 'gm'),
  replacement: `$1${name} ${value};`,
  count,
});

/** The `listen` on `deployed` (an address, a port) on 127.0.0.1:`port` instead, its parameters kept. */
const listen = (what: string, deployed: string, port: number): Substitution => ({
  what,
  pattern: new RegExp(`^( *)listen ${deployed.replaceAll('.', '\\.')}(?=[ ;])`, 'gm'),
  replacement: `$1listen 127.0.0.1:${port}`,
  count: 1,
});

function substitutions(settings: NginxSettings): Substitution[] {
  const { dir, ports, certificate } = settings;
  const upstreams = settings.upstreams.map((upstream) => `server ${upstream};`).join('\n$1');
  return [
    { what: 'the user to run as', pattern: /^user [^;]+;\n/gm, replacement: '', count: 1 },
    directive('the pid file', 'pid', `${dir}/nginx.pid`),
    directive('the error log', 'error_log', `${dir}/error.log`),
    directive('the access log', 'access_log', `${dir}/access.log`),
    {
      what: 'the temporary paths',
      pattern: /^( *\w+_temp_path )\/var\/lib\/nginx\//gm,
      replacement: `$1${dir}/`,
      count: 5,
    },
    {
      what: 'the API instances',
      pattern: /^( *)server \d[\d.]*:\d+;(?:\n *server \d[\d.]*:\d+;)*/gm,
      replacement: `$1${upstreams}`,
      count: 1,
    },
    listen('the redirecting port', '80', ports.redirect),
    listen('the HTTPS port', '443', ports.https),
    listen('the plain HTTP port', '127.0.0.1:8080', ports.plain),
    directive('the certificate', 'ssl_certificate', certificate.cert),
    directive('the certificate key', 'ssl_certificate_key', certificate.key),
    {
      what: 'the header naming the instance',
      pattern: /^( *)# (add_header X-Upstream-Addr )/gm,
      replacement: settings.revealUpstream ? '$1$2' : '$1# $2',
      count: 1,
    },
  ];
}

/**
 * `deploy/nginx.conf` (or `template`) with this run's values in place of the deployment's. Throws naming
 * what it no longer finds, so the file and the tests cannot drift apart unnoticed.
 */
export function renderNginxConfig(
  settings: NginxSettings,
  template = readFileSync(DEPLOY_NGINX_CONF, 'utf8'),
) {
  let rendered = template;
  for (const { what, pattern, replacement, count } of substitutions(settings)) {
    const found = rendered.match(pattern)?.length ?? 0;
    if (found !== count) {
      throw new Error(`deploy/nginx.conf: expected ${count} of ${what} (${pattern}), found ${found}`);
    }
    rendered = rendered.replace(pattern, replacement);
  }
  return rendered;
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid for a day, written into `dir`. */
export async function selfSignedCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return { cert, key };
}

/** The instance that finally answered, from an `X-Upstream-Addr` that may list failed tries before it. */
export function upstreamOf(header: string | string[] | null | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(', ') : header;
  return value?.split(',').at(-1)?.trim() || undefined;
}

/** `host:port` of an API base URL, as nginx names it in `X-Upstream-Addr`. */
export const hostOf = (baseUrl: string) => new URL(baseUrl).host;

export interface NginxOptions {
  /** Base URLs of the API instances, e.g. `ApiProcess.url`. */
  upstreams: string[];
  revealUpstream?: boolean;
}

const running = new Set<Nginx>();
let exitHookInstalled = false;

function requireNginx(): void {
  try {
    accessSync(NGINX_PATH, constants.X_OK);
  } catch {
    throw new Error(`nginx is not installed at ${NGINX_PATH}: apt-get install nginx, or set NGINX_PATH`);
  }
}

export class Nginx {
  readonly url: string;
  readonly httpsUrl: string;
  readonly redirectUrl: string;
  private output = '';
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(
    readonly dir: string,
    readonly ports: NginxPorts,
    private readonly child: ChildProcess,
  ) {
    this.url = `http://127.0.0.1:${ports.plain}`;
    this.httpsUrl = `https://127.0.0.1:${ports.https}`;
    this.redirectUrl = `http://127.0.0.1:${ports.redirect}`;
    const append = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.exit = new Promise((resolve) => {
      child.once('exit', () => {
        this.exited = true;
        running.delete(this);
        resolve();
      });
    });
  }

  /** Renders the configuration for `options.upstreams`, starts nginx and waits until it answers. */
  static async start(options: NginxOptions): Promise<Nginx> {
    requireNginx();
    const dir = mkdtempSync(join(tmpdir(), 'pulsestage-nginx-'));
    const ports = { redirect: await freePort(), https: await freePort(), plain: await freePort() };
    const config = renderNginxConfig({
      upstreams: options.upstreams.map(hostOf),
      ports,
      certificate: await selfSignedCertificate(dir),
      dir,
      revealUpstream: options.revealUpstream ?? false,
    });
    writeFileSync(join(dir, 'nginx.conf'), config);
    // One process without workers: killing it leaves nothing behind.
    const child = spawn(
      NGINX_PATH,
      ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off; master_process off;'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', () => {
        for (const nginx of running) nginx.child.kill('SIGKILL');
      });
    }
    const nginx = new Nginx(dir, ports, child);
    running.add(nginx);
    try {
      await nginx.waitAnswering();
    } catch (error) {
      await nginx.stop();
      throw error;
    }
    return nginx;
  }

  /** Until the redirecting port answers (nginx itself, whatever the instances' state). */
  private async waitAnswering(): Promise<void> {
    try {
      await waitUntil(() => this.answers(), 'nginx to answer', {
        timeoutMs: START_TIMEOUT_MS,
        intervalMs: 50,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}:\n${this.logs()}`);
    }
  }

  private async answers(): Promise<boolean> {
    if (this.exited) throw new Error('nginx exited before it answered');
    try {
      const response = await fetch(this.redirectUrl, {
        redirect: 'manual',
        signal: AbortSignal.timeout(1000),
      });
      await response.arrayBuffer();
      return response.status === 301;
    } catch {
      return false; // not listening yet
    }
  }

  /** What nginx wrote to stderr, then its error log. */
  logs(): string {
    let errorLog = '';
    try {
      errorLog = readFileSync(join(this.dir, 'error.log'), 'utf8');
    } catch {
      // not written yet
    }
    return `${this.output}${errorLog}`;
  }

  /** Stops nginx at once (open streams are cut), SIGKILL after a grace period, and deletes its files. */
  async stop(): Promise<void> {
    if (!this.exited) {
      this.child.kill('SIGTERM');
      await within(this.exit, STOP_GRACE_MS, 'nginx to stop').catch(() => {
        this.child.kill('SIGKILL');
        return this.exit;
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
