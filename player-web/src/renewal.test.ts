import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GrantRenewal } from './renewal';

const start = Date.parse('2026-12-04T22:00:00Z');
const inTenMinutes = (from: number) => new Date(from + 600_000).toISOString();

function answer(status: number, body: unknown = {}, date?: number): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (date !== undefined) {
    headers.date = new Date(date).toUTCString();
  }
  return new Response(JSON.stringify(body), { status, headers });
}

describe('GrantRenewal', () => {
  const fetch = vi.fn<typeof globalThis.fetch>();
  const onFinalOutcome = vi.fn();

  beforeEach(() => {
    vi.useFakeTimers({ now: start });
    vi.stubGlobal('fetch', fetch);
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    fetch.mockReset();
    onFinalOutcome.mockReset();
  });

  it('renews a 10-minute grant after 8 minutes, with a same-origin POST', async () => {
    fetch.mockResolvedValue(answer(200, { expiresAt: inTenMinutes(start + 480_000) }));
    new GrantRenewal('/v/abc/grant', onFinalOutcome).start(inTenMinutes(start));

    await vi.advanceTimersByTimeAsync(479_999);
    expect(fetch).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);

    expect(fetch).toHaveBeenCalledOnce();
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('/v/abc/grant');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin' });
  });

  it('schedules the next renewal from the new expiry', async () => {
    fetch.mockImplementation(async () => answer(200, { expiresAt: inTenMinutes(Date.now()) }));
    new GrantRenewal('/v/abc/grant', onFinalOutcome).start(inTenMinutes(start));

    await vi.advanceTimersByTimeAsync(480_000);
    await vi.advanceTimersByTimeAsync(479_000);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it.each([
    [401, 'refused'],
    [403, 'refused'],
    [404, 'gone'],
  ])('reports %d as %s and stops renewing', async (status, outcome) => {
    fetch.mockResolvedValue(answer(status, { title: 'refused' }));
    const renewal = new GrantRenewal('/v/abc/grant', onFinalOutcome);
    renewal.start(inTenMinutes(start));

    await vi.advanceTimersByTimeAsync(480_000);
    expect(onFinalOutcome).toHaveBeenCalledExactlyOnceWith(outcome);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(fetch).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('retries soon after a network error, backing off, then renews as usual', async () => {
    fetch
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(answer(502))
      .mockImplementation(async () => answer(200, { expiresAt: inTenMinutes(Date.now()) }));
    const renewal = new GrantRenewal('/v/abc/grant', onFinalOutcome);
    renewal.start(inTenMinutes(start));

    await vi.advanceTimersByTimeAsync(480_000);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_200); // first retry: 1 s, ±20 %
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2_400); // second retry: 2 s, ±20 %
    expect(fetch).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(470_000);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(onFinalOutcome).not.toHaveBeenCalled();
  });

  it('answers an immediate renewal, joining one already under way', async () => {
    let release: (response: Response) => void = () => undefined;
    fetch.mockReturnValue(new Promise((resolve) => (release = resolve)));
    const renewal = new GrantRenewal('/v/abc/grant', onFinalOutcome);

    const first = renewal.renewNow();
    const second = renewal.renewNow();
    release(answer(200, { expiresAt: inTenMinutes(start) }));

    expect(await first).toBe('renewed');
    expect(await second).toBe('renewed');
    expect(fetch).toHaveBeenCalledOnce();
  });

  it('renews on the server\'s time when the viewer\'s clock is 5 minutes slow', async () => {
    // The page says the grant expires at server time start + 10 min; the viewer's clock reads
    // start - 5 min, so by its own clock the grant seems to last 15 minutes.
    vi.setSystemTime(start - 300_000);
    fetch.mockImplementation(async () =>
      answer(200, { expiresAt: inTenMinutes(Date.now() + 300_000) }, Date.now() + 300_000),
    );
    const renewal = new GrantRenewal('/v/abc/grant', onFinalOutcome);

    expect(await renewal.renewNow()).toBe('renewed');
    await vi.advanceTimersByTimeAsync(479_000);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('renews an already expired grant within seconds', async () => {
    fetch.mockResolvedValue(answer(200, { expiresAt: inTenMinutes(start) }));
    new GrantRenewal('/v/abc/grant', onFinalOutcome).start('2026-12-04T21:00:00Z');

    await vi.advanceTimersByTimeAsync(3_000);
    expect(fetch).toHaveBeenCalledOnce();
  });

  it('does nothing after stop', async () => {
    const renewal = new GrantRenewal('/v/abc/grant', onFinalOutcome);
    renewal.start(inTenMinutes(start));
    renewal.stop();

    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(fetch).not.toHaveBeenCalled();
  });
});
