import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';

const page = {
  streamId: 'abc',
  playlist: '/live/abc/index.m3u8',
  grantUrl: '/v/abc/grant',
  grantExpiresAt: '2026-12-04T22:10:00Z',
  email: 'alice@example.com',
  signOutUrl: '/sign-out',
};

describe('parseConfig', () => {
  it('reads the configuration the server writes into the page', () => {
    expect(parseConfig(JSON.stringify(page))).toEqual(page);
  });

  it('accepts a page without expiry or e-mail address', () => {
    const { grantExpiresAt: _expiry, email: _email, ...rest } = page;
    expect(parseConfig(JSON.stringify(rest))).toEqual({ ...rest, grantExpiresAt: '', email: '' });
  });

  it('names a missing field', () => {
    const { playlist: _playlist, ...rest } = page;
    expect(() => parseConfig(JSON.stringify(rest))).toThrow(
      'rewind-config: "playlist" must be a non-empty string (got undefined)',
    );
  });

  it('names a field of the wrong type', () => {
    expect(() => parseConfig(JSON.stringify({ ...page, email: 42 }))).toThrow(
      'rewind-config: "email" must be a string (got 42)',
    );
  });

  it('refuses anything but an object', () => {
    expect(() => parseConfig('[]')).toThrow('rewind-config must be a JSON object');
    expect(() => parseConfig('')).toThrow();
  });
});
