import Hls from 'hls.js/light';
import { describe, expect, it } from 'vitest';
import { hlsConfig } from './player';

describe('hlsConfig', () => {
  it('is accepted by hls.js, which rejects inconsistent live latency settings', () => {
    const hls = new Hls(hlsConfig());
    expect(hls.config.liveMaxLatencyDurationCount).toBe(Number.POSITIVE_INFINITY);
    hls.destroy();
  });

  it('never pulls a paused or rewound position back to live', () => {
    const config = hlsConfig();
    expect(config.liveMaxLatencyDurationCount).toBe(Number.POSITIVE_INFINITY);
    expect(config.liveMaxLatencyDuration).toBeUndefined();
    expect(config.liveSyncDuration).toBeUndefined();
    expect(config.maxLiveSyncPlaybackRate ?? 1).toBe(1);
  });

  it('makes the seekable range the live window and starts where hls.js decides', () => {
    const config = hlsConfig();
    expect(config.liveDurationInfinity).toBe(true);
    expect(config.startPosition).toBe(-1);
    expect(config.lowLatencyMode).toBe(false);
  });
});
