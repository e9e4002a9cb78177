/**
 * The player's two time labels: the wall-clock time of the position (from the playlist's
 * EXT-X-PROGRAM-DATE-TIME) and how far the position is behind live.
 */

export interface ClockOptions {
  /** IANA time zone; the viewer's own when absent. */
  readonly timeZone?: string;
  /** BCP 47 locale; the browser's when absent. */
  readonly locale?: string;
  /** The current time, which decides whether the date is worth showing. */
  readonly now?: Date;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * Formats a wall-clock time such as `14:02:11`, with the date in front when it is not the day of
 * `now` in that time zone (a replay of an earlier day), and the year when that differs too.
 */
export function formatWallClock(date: Date, options: ClockOptions = {}): string {
  const { timeZone, locale, now = new Date() } = options;
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const day = dayOf(date, timeZone);
  const today = dayOf(now, timeZone);
  const fields: Intl.DateTimeFormatOptions = {
    hour: usesTwelveHours(locale) ? 'numeric' : '2-digit',
    minute: '2-digit',
    second: '2-digit',
  };
  if (day !== today) {
    Object.assign(fields, { month: 'short', day: 'numeric' });
  }
  if (day.slice(0, 4) !== today.slice(0, 4)) {
    fields.year = 'numeric';
  }
  return format(locale, { ...fields, timeZone }).format(date);
}

/**
 * Formats how far behind live the position is, in whole seconds: `-02:35`, or `-1:02:03` from an
 * hour on. Zero (and anything negative, a position ahead of the live sync point) is `00:00`;
 * an unknown distance is the empty string.
 */
export function formatBehindLive(seconds: number): string {
  if (!Number.isFinite(seconds)) {
    return '';
  }
  const whole = Math.floor(Math.max(0, seconds));
  if (whole === 0) {
    return '00:00';
  }
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  const minutesAndSeconds = `${pad(minutes)}:${pad(rest)}`;
  return hours > 0 ? `-${hours}:${minutesAndSeconds}` : `-${minutesAndSeconds}`;
}

/** Whether the locale counts hours to 12 ("8:00:05 AM") rather than to 24 ("08:00:05"). */
function usesTwelveHours(locale: string | undefined): boolean {
  const hourCycle = format(locale, { hour: 'numeric' }).resolvedOptions().hourCycle;
  return hourCycle === 'h11' || hourCycle === 'h12';
}

/** The calendar day of an instant in a time zone, as `YYYY-MM-DD`. */
function dayOf(date: Date, timeZone: string | undefined): string {
  const parts = format('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Formats are costly to build and the clock label changes four times a second. */
function format(locale: string | undefined, options: Intl.DateTimeFormatOptions) {
  const key = JSON.stringify([locale, options]);
  let cached = formats.get(key);
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat(locale, options);
    formats.set(key, cached);
  }
  return cached;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
