import { clockOffsetMs, refreshDelayMs, retryDelayMs } from './grant';

/** How a renewal ended: `refused` is 401 or 403, `gone` is 404, `failed` anything else. */
export type RenewalOutcome = 'renewed' | 'refused' | 'gone' | 'failed';

/**
 * Keeps the grant cookie fresh: renews it with `POST grantUrl` before it expires, retries after
 * network errors, and reports a refusal or a vanished stream, after which it stops.
 */
export class GrantRenewal {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<RenewalOutcome> | undefined;
  private offsetMs = 0;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly onFinalOutcome: (outcome: 'refused' | 'gone') => void,
  ) {}

  /** Schedules the first renewal for a grant that expires at `expiresAt` (ISO 8601). */
  start(expiresAt: string): void {
    this.schedule(refreshDelayMs(Date.now() + this.offsetMs, Date.parse(expiresAt)));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Renews now, for example after a media request was refused; joins a renewal under way. */
  renewNow(): Promise<RenewalOutcome> {
    this.inFlight ??= this.renew().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.renewNow(), delayMs);
    }
  }

  private async renew(): Promise<RenewalOutcome> {
    const outcome = await this.post();
    if (this.stopped) {
      return outcome;
    }
    if (outcome === 'refused' || outcome === 'gone') {
      this.stop();
      this.onFinalOutcome(outcome);
    } else if (outcome === 'failed') {
      this.schedule(retryDelayMs(this.failures++));
    }
    return outcome;
  }

  private async post(): Promise<RenewalOutcome> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { accept: 'application/json' },
      });
    } catch {
      return 'failed';
    }
    if (response.status === 401 || response.status === 403) {
      return 'refused';
    }
    if (response.status === 404) {
      return 'gone';
    }
    if (!response.ok) {
      return 'failed';
    }
    return this.renewed(response);
  }

  private async renewed(response: Response): Promise<RenewalOutcome> {
    let expiresAt: unknown;
    try {
      expiresAt = ((await response.json()) as { expiresAt?: unknown }).expiresAt;
    } catch {
      return 'failed';
    }
    this.offsetMs = clockOffsetMs(response.headers.get('date'), Date.now());
    this.failures = 0;
    const expiresAtMs = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
    this.schedule(refreshDelayMs(Date.now() + this.offsetMs, expiresAtMs));
    return 'renewed';
  }
}
