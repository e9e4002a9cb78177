/**
 * What the player shows, as a pure state machine: the glue in player.ts turns hls.js and media
 * events into {@link PlayerEvent}s and renders the {@link Status} that {@link next} returns.
 */

/** The value of the root element's `data-state` attribute. */
export type PlayerState =
  | 'waiting'
  | 'live'
  | 'behind'
  | 'ended'
  | 'not-allowed'
  | 'not-found'
  | 'network';

export interface Status {
  readonly state: PlayerState;
  /** Whether a playlist of the current broadcast has been loaded. */
  readonly loaded: boolean;
  /** Whether that playlist has EXT-X-ENDLIST: the broadcast is over. */
  readonly ended: boolean;
  /** Whether the position was last seen at the live edge. */
  readonly atLiveEdge: boolean;
}

export type PlayerEvent =
  /** The playlist answered 404: the broadcast has not stored its first segment yet. */
  | { readonly type: 'playlistMissing' }
  /** A playlist was loaded or refreshed. */
  | { readonly type: 'manifestLoaded'; readonly ended: boolean }
  /** The position moved, or the live edge did; `behindSeconds` is measured to the sync point. */
  | {
      readonly type: 'positionChanged';
      readonly behindSeconds: number;
      readonly targetDuration: number;
    }
  /** The server refused the viewer (401 or 403). */
  | { readonly type: 'grantRefused' }
  /** The server no longer knows the stream (404 from the grant). */
  | { readonly type: 'streamGone' }
  | { readonly type: 'networkError' }
  /** Media arrived again after a network error. */
  | { readonly type: 'recovered' };

export const INITIAL_STATUS: Status = {
  state: 'waiting',
  loaded: false,
  ended: false,
  atLiveEdge: true,
};

/** The playback rates the viewer can choose, slowest first. */
export const PLAYBACK_RATES: readonly number[] = [1, 1.5, 2];

/**
 * How far behind the live sync point still counts as live, in target durations: the sync point
 * moves in steps of one target duration as the playlist refreshes, so the playhead of a viewer
 * at the edge swings by about that much around it.
 */
const LIVE_EDGE_TARGET_DURATIONS = 2;

/** Used when a playlist gives no usable EXT-X-TARGETDURATION (it must, per RFC 8216 4.3.3.1). */
const FALLBACK_TARGET_DURATION_SECONDS = 2;

export function next(status: Status, event: PlayerEvent): Status {
  if (status.state === 'not-allowed' || status.state === 'not-found') {
    return status;
  }
  switch (event.type) {
    case 'grantRefused':
      return { ...status, state: 'not-allowed' };
    case 'streamGone':
      return { ...status, state: 'not-found' };
    case 'networkError':
      return { ...status, state: 'network' };
    case 'playlistMissing':
      return INITIAL_STATUS;
    case 'manifestLoaded':
      return settle({ ...status, loaded: true, ended: event.ended });
    case 'recovered':
      return status.state === 'network' ? settle(status) : status;
    case 'positionChanged':
      return movedTo(status, isAtLiveEdge(event.behindSeconds, event.targetDuration));
  }
}

/** Whether a position `behindSeconds` behind the live sync point is at the live edge. */
export function isAtLiveEdge(behindSeconds: number, targetDurationSeconds: number): boolean {
  const targetDuration =
    targetDurationSeconds > 0 ? targetDurationSeconds : FALLBACK_TARGET_DURATION_SECONDS;
  return behindSeconds <= LIVE_EDGE_TARGET_DURATIONS * targetDuration;
}

/**
 * The playback rate to use in a state: faster than real time catches up while behind, but at
 * the live edge there is nothing left to catch up with, so the rate goes back to 1x.
 */
export function rateFor(state: PlayerState, rate: number): number {
  return state === 'live' && rate > 1 ? 1 : rate;
}

/** The next faster (`direction` 1) or slower (-1) rate of {@link PLAYBACK_RATES}. */
export function stepRate(rate: number, direction: 1 | -1): number {
  const rates = PLAYBACK_RATES;
  if (direction > 0) {
    return rates.find((candidate) => candidate > rate) ?? rates[rates.length - 1];
  }
  return [...rates].reverse().find((candidate) => candidate < rate) ?? rates[0];
}

function movedTo(status: Status, atLiveEdge: boolean): Status {
  if (status.state === 'live' || status.state === 'behind') {
    return settle({ ...status, atLiveEdge });
  }
  if (status.state === 'network') {
    return { ...status, atLiveEdge };
  }
  return status;
}

/** The state a loaded player is in when nothing is wrong. */
function settle(status: Status): Status {
  if (!status.loaded) {
    return { ...status, state: 'waiting' };
  }
  if (status.ended) {
    return { ...status, state: 'ended' };
  }
  return { ...status, state: status.atLiveEdge ? 'live' : 'behind' };
}
