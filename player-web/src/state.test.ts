import { describe, expect, it } from 'vitest';
import {
  INITIAL_STATUS,
  isAtLiveEdge,
  next,
  rateFor,
  stepRate,
  type PlayerEvent,
  type Status,
} from './state';

function run(...events: PlayerEvent[]): Status {
  return events.reduce(next, INITIAL_STATUS);
}

const live: PlayerEvent = { type: 'manifestLoaded', ended: false };
const ended: PlayerEvent = { type: 'manifestLoaded', ended: true };
const behind = (behindSeconds: number, targetDuration = 2): PlayerEvent => ({
  type: 'positionChanged',
  behindSeconds,
  targetDuration,
});

describe('state machine', () => {
  it('waits before the broadcast has a playlist', () => {
    expect(INITIAL_STATUS.state).toBe('waiting');
    expect(run({ type: 'playlistMissing' }).state).toBe('waiting');
    expect(run({ type: 'playlistMissing' }, { type: 'playlistMissing' }).state).toBe('waiting');
  });

  it('goes live when the playlist appears, at the live edge', () => {
    expect(run({ type: 'playlistMissing' }, live)).toEqual({
      state: 'live',
      loaded: true,
      ended: false,
      atLiveEdge: true,
    });
  });

  it('falls behind past two target durations and comes back within them', () => {
    expect(run(live, behind(4)).state).toBe('live');
    expect(run(live, behind(4.01)).state).toBe('behind');
    expect(run(live, behind(150), behind(3)).state).toBe('live');
  });

  it('scales the live edge with the target duration', () => {
    expect(run(live, behind(11, 6)).state).toBe('live');
    expect(run(live, behind(13, 6)).state).toBe('behind');
  });

  it('stays behind across playlist refreshes', () => {
    expect(run(live, behind(60), live).state).toBe('behind');
  });

  it('opens an ended broadcast as ended, and positions do not change that', () => {
    expect(run(ended).state).toBe('ended');
    expect(run(ended, behind(0), behind(500)).state).toBe('ended');
  });

  it('ends a live broadcast when its playlist gets EXT-X-ENDLIST', () => {
    expect(run(live, behind(60), ended).state).toBe('ended');
  });

  it('ignores positions while waiting', () => {
    expect(run(behind(0)).state).toBe('waiting');
  });

  it('goes back to waiting when the playlist disappears, and starts over at the edge', () => {
    const status = run(live, behind(60), { type: 'playlistMissing' });
    expect(status).toEqual(INITIAL_STATUS);
    expect(next(status, live).state).toBe('live');
  });

  describe('network trouble', () => {
    it('shows network trouble and returns to where it was once media arrive', () => {
      const troubled = run(live, behind(60), { type: 'networkError' });
      expect(troubled.state).toBe('network');
      expect(next(troubled, { type: 'recovered' }).state).toBe('behind');
    });

    it('returns to ended after trouble during a replay', () => {
      expect(run(ended, { type: 'networkError' }, { type: 'recovered' }).state).toBe('ended');
    });

    it('keeps showing trouble while the buffer plays out, remembering the position', () => {
      const troubled = run(live, { type: 'networkError' }, behind(60));
      expect(troubled.state).toBe('network');
      expect(next(troubled, { type: 'recovered' }).state).toBe('behind');
    });

    it('leaves trouble when a playlist loads again', () => {
      expect(run(live, { type: 'networkError' }, live).state).toBe('live');
    });

    it('goes back to waiting after trouble before the broadcast started', () => {
      expect(run({ type: 'networkError' }, { type: 'recovered' }).state).toBe('waiting');
      expect(run({ type: 'networkError' }, { type: 'playlistMissing' }).state).toBe('waiting');
    });

    it('does not treat media arriving without trouble as a change', () => {
      const status = run(live, behind(60));
      expect(next(status, { type: 'recovered' })).toBe(status);
    });
  });

  describe('refusals', () => {
    it('refuses the viewer from any state, for good', () => {
      for (const before of [[], [live], [live, behind(60)], [ended], [{ type: 'networkError' }]]) {
        const refused = run(...(before as PlayerEvent[]), { type: 'grantRefused' });
        expect(refused.state).toBe('not-allowed');
        expect(next(refused, live).state).toBe('not-allowed');
        expect(next(refused, { type: 'recovered' }).state).toBe('not-allowed');
        expect(next(refused, { type: 'networkError' }).state).toBe('not-allowed');
      }
    });

    it('reports a stream that is gone, for good', () => {
      const gone = run(live, { type: 'streamGone' });
      expect(gone.state).toBe('not-found');
      expect(next(gone, { type: 'playlistMissing' }).state).toBe('not-found');
      expect(next(gone, { type: 'grantRefused' }).state).toBe('not-found');
    });
  });
});

describe('isAtLiveEdge', () => {
  it('counts up to two target durations behind the sync point as the edge', () => {
    expect(isAtLiveEdge(0, 2)).toBe(true);
    expect(isAtLiveEdge(4, 2)).toBe(true);
    expect(isAtLiveEdge(4.5, 2)).toBe(false);
  });

  it('falls back to a 2 s target duration when the playlist gives none', () => {
    expect(isAtLiveEdge(4, 0)).toBe(true);
    expect(isAtLiveEdge(5, Number.NaN)).toBe(false);
  });
});

describe('playback rate', () => {
  it('returns to 1x on reaching the live edge', () => {
    expect(rateFor('live', 2)).toBe(1);
    expect(rateFor('live', 1.5)).toBe(1);
  });

  it('keeps a faster rate while behind, during a replay and in trouble', () => {
    expect(rateFor('behind', 2)).toBe(2);
    expect(rateFor('ended', 1.5)).toBe(1.5);
    expect(rateFor('network', 2)).toBe(2);
  });

  it('leaves 1x alone', () => {
    expect(rateFor('live', 1)).toBe(1);
  });

  it('steps through 1x, 1.5x and 2x and stops at either end', () => {
    expect(stepRate(1, 1)).toBe(1.5);
    expect(stepRate(1.5, 1)).toBe(2);
    expect(stepRate(2, 1)).toBe(2);
    expect(stepRate(2, -1)).toBe(1.5);
    expect(stepRate(1, -1)).toBe(1);
  });

  it('steps from a rate set elsewhere to the nearest choice in that direction', () => {
    expect(stepRate(1.25, 1)).toBe(1.5);
    expect(stepRate(1.25, -1)).toBe(1);
    expect(stepRate(3, -1)).toBe(2);
    expect(stepRate(0.5, 1)).toBe(1);
  });
});
