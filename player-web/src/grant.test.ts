import { describe, expect, it } from 'vitest';
import { clockOffsetMs, MIN_REFRESH_DELAY_MS, refreshDelayMs, retryDelayMs } from './grant';

const now = Date.parse('2026-12-04T22:00:00Z');
const seconds = (value: number) => value * 1000;

describe('refreshDelayMs', () => {
  it('renews a 10-minute grant after 8 minutes (80 % of its lifetime)', () => {
    expect(refreshDelayMs(now, now + seconds(600))).toBe(seconds(480));
  });

  it('renews a 2-minute grant 60 s before it expires, later than 80 % would', () => {
    expect(refreshDelayMs(now, now + seconds(120))).toBe(seconds(60));
  });

  it('switches from the 80 % rule to the 60 s margin at 5 minutes left', () => {
    expect(refreshDelayMs(now, now + seconds(300))).toBe(seconds(240));
    expect(refreshDelayMs(now, now + seconds(301))).toBe(seconds(240.8));
    expect(refreshDelayMs(now, now + seconds(299))).toBe(seconds(239));
  });

  it('renews a grant expiring in 5 s as soon as allowed', () => {
    expect(refreshDelayMs(now, now + seconds(5))).toBe(MIN_REFRESH_DELAY_MS);
  });

  it('renews an expired grant as soon as allowed, never at once', () => {
    expect(refreshDelayMs(now, now - seconds(30))).toBe(MIN_REFRESH_DELAY_MS);
    expect(refreshDelayMs(now, now)).toBe(MIN_REFRESH_DELAY_MS);
    expect(MIN_REFRESH_DELAY_MS).toBeGreaterThanOrEqual(seconds(2));
  });

  it('renews a grant with an unknown expiry as soon as allowed', () => {
    expect(refreshDelayMs(now, Date.parse(''))).toBe(MIN_REFRESH_DELAY_MS);
    expect(refreshDelayMs(Number.NaN, now)).toBe(MIN_REFRESH_DELAY_MS);
  });

  it('renews an 8-hour grant an hour and 36 minutes before it expires', () => {
    expect(refreshDelayMs(now, now + seconds(8 * 3600))).toBe(seconds(0.8 * 8 * 3600));
  });
});

describe('retryDelayMs', () => {
  const middle = () => 0.5;

  it('doubles from 1 s', () => {
    expect([0, 1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, middle))).toEqual([
      1000, 2000, 4000, 8000, 16000,
    ]);
  });

  it('stops growing at 30 s, even after very many attempts', () => {
    expect(retryDelayMs(5, middle)).toBe(30_000);
    expect(retryDelayMs(1000, middle)).toBe(30_000);
    expect(retryDelayMs(Number.POSITIVE_INFINITY, middle)).toBe(30_000);
  });

  it('spreads retries by 20 % either way, and never past 30 s', () => {
    expect(retryDelayMs(2, () => 0)).toBe(3200);
    expect(retryDelayMs(2, () => 0.999_999)).toBe(4800);
    expect(retryDelayMs(10, () => 0.999_999)).toBe(30_000);
    expect(retryDelayMs(10, () => 0)).toBe(24_000);
  });

  it('treats a negative attempt as the first', () => {
    expect(retryDelayMs(-3, middle)).toBe(1000);
  });
});

describe('clockOffsetMs', () => {
  it('measures a viewer clock 5 minutes slow', () => {
    const serverNow = Date.parse('2026-12-04T22:05:00Z');
    const header = new Date(serverNow).toUTCString();
    expect(clockOffsetMs(header, serverNow - seconds(300))).toBe(seconds(300));
  });

  it('measures a viewer clock 2 minutes fast', () => {
    expect(clockOffsetMs('Fri, 04 Dec 2026 22:00:00 GMT', now + seconds(120))).toBe(-seconds(120));
  });

  it('takes clocks that agree within 2 s as equal, the header being whole seconds', () => {
    expect(clockOffsetMs('Fri, 04 Dec 2026 22:00:00 GMT', now + 999)).toBe(0);
    expect(clockOffsetMs('Fri, 04 Dec 2026 22:00:01 GMT', now)).toBe(0);
  });

  it('is zero without a usable Date header', () => {
    expect(clockOffsetMs(null, now)).toBe(0);
    expect(clockOffsetMs('yesterday', now)).toBe(0);
  });

  it('lets a slow clock renew on time', () => {
    const serverNow = now;
    const viewerNow = now - seconds(300);
    const offset = clockOffsetMs(new Date(serverNow).toUTCString(), viewerNow);
    expect(refreshDelayMs(viewerNow + offset, serverNow + seconds(600))).toBe(seconds(480));
  });
});
