/**
 * When to renew the grant cookie (`POST /v/{streamId}/grant`) and how long to wait before
 * retrying after an error. All times are epoch milliseconds on the server's clock, which the
 * caller estimates with {@link clockOffsetMs}.
 */

/** Refresh once this share of the grant's remaining lifetime has passed... */
const REFRESH_AT_SHARE = 0.8;

/** ...but at least this long before it expires... */
const REFRESH_MARGIN_MS = 60_000;

/** ...and never sooner than this, so that an expired or odd `expiresAt` cannot spin a loop. */
export const MIN_REFRESH_DELAY_MS = 3_000;

const NEGLIGIBLE_OFFSET_MS = 2_000;

const FIRST_RETRY_DELAY_MS = 1_000;
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * How long to wait before refreshing a grant that expires at `expiresAtMs`: when 80 % of its
 * remaining lifetime has passed, no later than 60 s before it expires, and no sooner than
 * {@link MIN_REFRESH_DELAY_MS} from now. An unknown expiry counts as expired.
 */
export function refreshDelayMs(nowMs: number, expiresAtMs: number): number {
  const remainingMs = expiresAtMs - nowMs;
  if (!Number.isFinite(remainingMs)) {
    return MIN_REFRESH_DELAY_MS;
  }
  const delayMs = Math.min(remainingMs * REFRESH_AT_SHARE, remainingMs - REFRESH_MARGIN_MS);
  return Math.max(MIN_REFRESH_DELAY_MS, Math.round(delayMs));
}

/**
 * How long to wait before retry number `attempt` (0 for the first) after a network error:
 * doubling from 1 s up to 30 s, spread by ±20 % so that the viewers of a meeting whose server
 * hiccuped do not all come back in the same instant.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 16);
  const baseMs = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** exponent);
  const spread = 0.8 + 0.4 * random();
  return Math.round(Math.min(MAX_RETRY_DELAY_MS, baseMs * spread));
}

/**
 * How far the server's clock is ahead of this one, from a response's `Date` header (RFC 9110
 * 6.6.1, whole seconds), so that an `expiresAt` written by the server is compared with the
 * server's time even when the viewer's clock is off. Zero without a usable header.
 */
export function clockOffsetMs(dateHeader: string | null, receivedAtMs: number): number {
  const serverMs = dateHeader === null ? Number.NaN : Date.parse(dateHeader);
  if (Number.isNaN(serverMs)) {
    return 0;
  }
  // The header drops the milliseconds, and the response took time to arrive: offsets this small
  // say nothing, and ignoring them keeps the schedule of agreeing clocks exact.
  const offsetMs = serverMs - receivedAtMs;
  return Math.abs(offsetMs) < NEGLIGIBLE_OFFSET_MS ? 0 : offsetMs;
}
