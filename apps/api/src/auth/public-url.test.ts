import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/app.js';

describe('the public address for QR codes and links', () => {
  let configured: TestApp;
  let unset: TestApp;
  beforeAll(async () => {
    [configured, unset] = await Promise.all([
      startTestApp('sqlite', { publicUrl: 'https://ask.example.com' }),
      startTestApp('sqlite'),
    ]);
  });
  afterAll(() => Promise.all([configured.close(), unset.close()]));

  it('is PUBLIC_URL, for anyone, signed in or not', async () => {
    expect(await configured.client().auth.publicUrl.query()).toEqual({
      publicUrl: 'https://ask.example.com',
    });
    const member = await configured.as('member');
    expect(await member.auth.publicUrl.query()).toEqual({ publicUrl: 'https://ask.example.com' });
  });

  it('is null when PUBLIC_URL is unset, so pages use the address they were opened at', async () => {
    expect(await unset.client().auth.publicUrl.query()).toEqual({ publicUrl: null });
  });
});
