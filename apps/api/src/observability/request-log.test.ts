import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logFunction } from './logger.js';
import { loggedPath, requestIdOf } from './request-log.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function requestWithId(id?: string): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  if (id !== undefined) req.headers['x-request-id'] = id;
  return req;
}

/** A logger at `debug` whose lines are kept, parsed. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('debug', destination), lines };
}

describe('request lines', () => {
  it('log the path without its query string, and credential routes as their route', () => {
    expect(loggedPath('/trpc/auth.signIn?batch=1&input=%7B%22password%22%7D')).toBe('/trpc/auth.signIn');
    expect(loggedPath('/events?tenant=demo&lastEventId=3')).toBe('/events');
    expect(loggedPath('/pulse/r/Zm9vYmFyYmF6cXV4?score=3')).toBe('/pulse/r/:token');
    expect(loggedPath('/pulse/r/Zm9vYmFyYmF6cXV4/')).toBe('/pulse/r/:token/');
    expect(loggedPath('/notifications/email-off/Zm9vYmFyYmF6cXV4')).toBe('/notifications/email-off/:token');
    expect(loggedPath('/join/ABCDEFGH12345678')).toBe('/join/:code');
    expect(loggedPath('/j/482913')).toBe('/j/:code');
    expect(loggedPath('/t/demo/m/7d4f0c8e-0000-4000-8000-000000000000/present#x')).toBe(
      '/t/demo/m/7d4f0c8e-0000-4000-8000-000000000000/present',
    );
    expect(loggedPath(`/${'x'.repeat(500)}`)).toHaveLength(201);
  });

  it('keep a short, plain incoming request id and replace any other', () => {
    expect(requestIdOf(requestWithId('abc-123_X.y'))).toBe('abc-123_X.y');
    expect(requestIdOf(requestWithId('x'.repeat(64)))).toBe('x'.repeat(64));
    for (const refused of ['x'.repeat(65), 'has space', '<script>', 'a"b', '', 'é'])
      expect(requestIdOf(requestWithId(refused)), refused).toMatch(UUID);
    expect(requestIdOf(requestWithId())).toMatch(UUID);
  });
});

describe('the logger', () => {
  it('writes one JSON line per entry with the level by name, an ISO time and the message', () => {
    const { logger, lines } = capturedLogger();
    logger.info('PulseStage listening on http://localhost:3000');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        msg: 'PulseStage listening on http://localhost:3000',
      }),
    ]);
  });

  it('logs a problem as a warning, and one with an error as an error with its type, message and stack only', () => {
    const { logger, lines } = capturedLogger();
    const log = logFunction(logger);
    log('rate limit store unreachable');
    const failure = Object.assign(new Error('duplicate key value', { cause: new Error('socket hang up') }), {
      code: '23505',
      detail: 'Key (email)=(alice@demo.test) already exists.',
    });
    log('writing failed', failure);
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'rate limit store unreachable' });
    expect(lines[1]).toMatchObject({
      level: 'error',
      msg: 'writing failed',
      err: {
        type: 'Error',
        message: 'duplicate key value',
        code: '23505',
        stack: expect.stringContaining('duplicate key value'),
        cause: { type: 'Error', message: 'socket hang up' },
      },
    });
    expect(JSON.stringify(lines)).not.toContain('alice@demo.test');
  });

  it('never writes the value of a secret-named field', () => {
    const { logger, lines } = capturedLogger();
    logger.info(
      { password: 'hunter2', user: { token: 'pst_secret' }, headers: { cookie: 'pulsestage_session=abc' } },
      'careless',
    );
    const line = JSON.stringify(lines);
    for (const secret of ['hunter2', 'pst_secret', 'pulsestage_session=abc'])
      expect(line).not.toContain(secret);
  });
});
