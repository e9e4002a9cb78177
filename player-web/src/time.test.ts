import { describe, expect, it } from 'vitest';
import { formatBehindLive, formatWallClock } from './time';

/** ICU separates "AM" with a narrow no-break space in some versions and a space in others. */
function plain(text: string): string {
  return text.replace(/\s/g, ' ');
}

describe('formatBehindLive', () => {
  it.each([
    [1, '-00:01'],
    [59, '-00:59'],
    [155, '-02:35'],
    [3599, '-59:59'],
    [3600, '-1:00:00'],
    [3723, '-1:02:03'],
    [36_000, '-10:00:00'],
    [360_000, '-100:00:00'],
  ])('formats %d s as %s', (seconds, label) => {
    expect(formatBehindLive(seconds)).toBe(label);
  });

  it('drops fractions instead of rounding up to a second not yet behind', () => {
    expect(formatBehindLive(155.99)).toBe('-02:35');
    expect(formatBehindLive(3599.9)).toBe('-59:59');
  });

  it('shows zero without a minus sign', () => {
    expect(formatBehindLive(0)).toBe('00:00');
    expect(formatBehindLive(0.999)).toBe('00:00');
  });

  it('treats a position ahead of the sync point as zero', () => {
    expect(formatBehindLive(-4.2)).toBe('00:00');
  });

  it('shows nothing for an unknown distance', () => {
    expect(formatBehindLive(Number.NaN)).toBe('');
    expect(formatBehindLive(Number.POSITIVE_INFINITY)).toBe('');
  });
});

describe('formatWallClock', () => {
  const summer = new Date('2026-07-01T12:00:05Z');
  const winter = new Date('2026-01-15T12:00:05Z');

  it('shows Zurich summer time (CEST, UTC+2) and winter time (CET, UTC+1)', () => {
    const zurich = { timeZone: 'Europe/Zurich', locale: 'en-GB' };
    expect(formatWallClock(summer, { ...zurich, now: summer })).toBe('14:00:05');
    expect(formatWallClock(winter, { ...zurich, now: winter })).toBe('13:00:05');
  });

  it('shows New York daylight time (UTC-4) and standard time (UTC-5) in its locale', () => {
    const newYork = { timeZone: 'America/New_York', locale: 'en-US' };
    expect(plain(formatWallClock(summer, { ...newYork, now: summer }))).toBe('8:00:05 AM');
    expect(plain(formatWallClock(winter, { ...newYork, now: winter }))).toBe('7:00:05 AM');
  });

  it('jumps an hour where Zurich switches to summer time, on 29 March 2026 at 01:00 UTC', () => {
    const options = { timeZone: 'Europe/Zurich', locale: 'en-GB' };
    const before = new Date('2026-03-29T00:59:59Z');
    const after = new Date('2026-03-29T01:00:00Z');
    expect(formatWallClock(before, { ...options, now: after })).toBe('01:59:59');
    expect(formatWallClock(after, { ...options, now: after })).toBe('03:00:00');
  });

  it('adds the date for a replay of an earlier day', () => {
    const broadcast = new Date('2026-12-04T22:10:00Z');
    const nextMorning = new Date('2026-12-05T09:00:00Z');
    const options = { timeZone: 'Europe/Zurich', locale: 'en-GB', now: nextMorning };
    expect(formatWallClock(broadcast, options)).toBe('4 Dec, 23:10:00');
  });

  it('decides what "the same day" is in the viewer\'s time zone', () => {
    const lateInUtc = new Date('2026-12-04T23:30:00Z'); // 00:30 on 5 Dec in Zurich
    const now = new Date('2026-12-05T10:00:00Z');
    const zurich = { timeZone: 'Europe/Zurich', locale: 'en-GB', now };
    const newYork = { timeZone: 'America/New_York', locale: 'en-US', now };
    expect(formatWallClock(lateInUtc, zurich)).toBe('00:30:00');
    expect(plain(formatWallClock(lateInUtc, newYork))).toBe('Dec 4, 6:30:00 PM');
  });

  it('adds the year for a replay of another year', () => {
    const broadcast = new Date('2025-12-04T22:10:00Z');
    const now = new Date('2026-01-02T09:00:00Z');
    const options = { timeZone: 'America/New_York', locale: 'en-US', now };
    expect(plain(formatWallClock(broadcast, options))).toBe('Dec 4, 2025, 5:10:00 PM');
  });

  it('shows nothing for an invalid date', () => {
    expect(formatWallClock(new Date(Number.NaN), { timeZone: 'Europe/Zurich' })).toBe('');
  });
});
