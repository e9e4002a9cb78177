import Hls, {
  ErrorTypes,
  Events,
  type ErrorData,
  type FragChangedData,
  type FragLoadedData,
  type HlsConfig,
  type LevelLoadedData,
} from 'hls.js/light';
import type { PlayerConfig } from './config';
import { retryDelayMs } from './grant';
import { GrantRenewal } from './renewal';
import {
  INITIAL_STATUS,
  next,
  rateFor,
  stepRate,
  type PlayerEvent,
  type PlayerState,
  type Status,
} from './state';

/** What the controls show besides the state: the position's wall-clock time and lag. */
export interface Position {
  /** The wall-clock time of the position, from EXT-X-PROGRAM-DATE-TIME. */
  readonly date: Date | null;
  /** Seconds behind the live sync point; NaN when not live. */
  readonly behindSeconds: number;
}

/** The numbers of the debug overlay. */
export interface DebugInfo {
  readonly latencySeconds: number;
  readonly bufferSeconds: number;
  readonly segmentBitsPerSecond: number;
  readonly bandwidthEstimate: number;
  readonly segment: string;
}

export interface PlayerListener {
  status(status: Status): void;
  position(position: Position): void;
}

/** How often the labels follow the live edge while the video is paused or stalled. */
const TICK_MS = 1_000;

/** How often to look for the playlist while the broadcast has not started, give or take 25 %. */
const WAITING_POLL_MS = 4_000;

/** A media request refused again this soon after a renewed grant is a refusal for good. */
const REFUSED_AGAIN_MS = 30_000;

const SEEK_STEP_SECONDS = 10;
const VOLUME_STEP = 0.1;

/**
 * hls.js set up for DVR. A paused or rewound position stays put: hls.js may only move it when it
 * fell out of a sliding window. `liveMaxLatencyDurationCount` must exceed
 * `liveSyncDurationCount` when given (hls.js rejects the config otherwise).
 */
export function hlsConfig(): Partial<HlsConfig> {
  return {
    liveSyncDurationCount: 3,
    liveMaxLatencyDurationCount: Infinity,
    // MediaSource duration Infinity with setLiveSeekableRange: video.seekable is the live
    // window, so the seek bar spans exactly what can be played.
    liveDurationInfinity: true,
    // TODO: Rewind's playlists have no EXT-X-PART; enable at the live edge once they do.
    lowLatencyMode: false,
    // -1: the live sync point while live, 0 for a playlist with EXT-X-ENDLIST.
    startPosition: -1,
    // Segments are immutable and cached: what was played need not stay in memory.
    backBufferLength: 90,
    // CMAF needs no transmuxing, and the ESM build has no inline worker anyway.
    enableWorker: false,
  };
}

/**
 * Plays one stream's media playlist with hls.js and turns what happens into {@link Status}
 * changes: waiting for the broadcast, live or behind, ended, refusals and network trouble.
 */
export class Player {
  readonly hls: Hls;
  private current: Status = INITIAL_STATUS;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private networkFailures = 0;
  private renewedAfterRefusalAt = Number.NEGATIVE_INFINITY;
  private lastMediaRecoveryAt = Number.NEGATIVE_INFINITY;
  private autoplayed = false;
  private segment = '';
  private segmentBitsPerSecond = 0;
  private readonly renewal: GrantRenewal;

  constructor(
    private readonly config: PlayerConfig,
    readonly video: HTMLVideoElement,
    private readonly listener: PlayerListener,
  ) {
    this.hls = new Hls(hlsConfig());
    this.renewal = new GrantRenewal(config.grantUrl, (outcome) =>
      this.dispatch({ type: outcome === 'gone' ? 'streamGone' : 'grantRefused' }),
    );
  }

  start(): void {
    this.listenToVideo();
    this.renewal.start(this.config.grantExpiresAt);
    if (!Hls.isSupported()) {
      this.startNative();
      return;
    }
    this.listenToHls();
    this.tickTimer = setInterval(() => this.updatePosition(), TICK_MS);
    this.hls.attachMedia(this.video);
    this.hls.loadSource(this.config.playlist);
  }

  /**
   * Without MediaSource (iPhones before iOS 17.1 lack ManagedMediaSource) Safari plays the
   * playlist itself.
   * TODO: Safari reports no playlist events, so there is no waiting state, no behind-live label
   * and no telling a refusal from a network error; add them if such viewers matter.
   */
  private startNative(): void {
    const video = this.video;
    video.addEventListener('loadedmetadata', () =>
      this.dispatch({ type: 'manifestLoaded', ended: Number.isFinite(video.duration) }),
    );
    video.addEventListener('playing', () => this.onMediaArrived());
    video.addEventListener('error', () => {
      this.dispatch({ type: 'networkError' });
      this.schedule(() => (video.src = this.config.playlist), retryDelayMs(this.networkFailures++));
    });
    video.src = this.config.playlist;
  }

  state(): PlayerState {
    return this.current.state;
  }

  togglePlay(): void {
    if (this.video.paused) {
      void this.play();
    } else {
      this.video.pause();
    }
  }

  /** Moves to the live sync point (a few target durations from the newest segment). */
  jumpToLive(): void {
    const sync = this.hls.liveSyncPosition;
    if (!this.hls.latestLevelDetails?.live || sync === null) {
      return;
    }
    this.video.currentTime = sync;
    void this.play();
  }

  /** Seeks 10 s, within the window; forward no further than the live sync point while live. */
  seekBy(direction: 1 | -1): void {
    const seekable = this.video.seekable;
    if (seekable.length === 0) {
      return;
    }
    const start = seekable.start(0);
    const sync = this.hls.latestLevelDetails?.live ? this.hls.liveSyncPosition : null;
    const end = sync ?? seekable.end(seekable.length - 1);
    const target = this.video.currentTime + direction * SEEK_STEP_SECONDS;
    this.video.currentTime = Math.min(Math.max(target, start), Math.max(start, end));
  }

  changeVolume(direction: 1 | -1): void {
    const volume = Math.round((this.video.volume + direction * VOLUME_STEP) * 10) / 10;
    this.video.volume = Math.min(1, Math.max(0, volume));
    if (direction > 0) {
      this.video.muted = false;
    }
  }

  changeRate(direction: 1 | -1): void {
    const rate = stepRate(this.video.playbackRate, direction);
    this.video.playbackRate = rateFor(this.current.state, rate);
  }

  debugInfo(): DebugInfo {
    return {
      latencySeconds: this.hls.latestLevelDetails?.live ? this.hls.latency : Number.NaN,
      bufferSeconds: forwardBufferSeconds(this.video),
      segmentBitsPerSecond: this.segmentBitsPerSecond,
      bandwidthEstimate: this.hls.bandwidthEstimate,
      segment: this.segment,
    };
  }

  private listenToHls(): void {
    const hls = this.hls;
    hls.on(Events.LEVEL_LOADED, (_event, data) => this.onPlaylist(data));
    hls.on(Events.FRAG_BUFFERED, () => this.onMediaArrived());
    hls.on(Events.FRAG_LOADED, (_event, data) => this.onFragmentLoaded(data));
    hls.on(Events.FRAG_CHANGED, (_event, data) => this.onFragmentChanged(data));
    hls.on(Events.ERROR, (_event, data) => this.onError(data));
  }

  private listenToVideo(): void {
    const video = this.video;
    video.addEventListener('timeupdate', () => this.updatePosition());
    video.addEventListener('ratechange', () => this.keepRate());
    window.addEventListener('online', () => {
      if (this.current.state === 'network') {
        this.retryNow();
      }
    });
  }

  private onPlaylist({ details }: LevelLoadedData): void {
    this.dispatch({ type: 'manifestLoaded', ended: !details.live });
    if (!this.autoplayed && details.live) {
      this.autoplayed = true;
      void this.play();
    }
  }

  private onMediaArrived(): void {
    this.networkFailures = 0;
    this.dispatch({ type: 'recovered' });
  }

  private onFragmentLoaded({ frag }: FragLoadedData): void {
    if (frag.duration > 0) {
      this.segmentBitsPerSecond = (frag.stats.total * 8) / frag.duration;
    }
  }

  private onFragmentChanged({ frag }: FragChangedData): void {
    const name = frag.relurl ?? frag.url;
    this.segment = `#${frag.sn} ${name.slice(name.lastIndexOf('/') + 1)}`;
  }

  private onError(data: ErrorData): void {
    if (!data.fatal) {
      return;
    }
    const status = data.response?.code ?? 0;
    if (data.type !== ErrorTypes.NETWORK_ERROR) {
      this.recoverMedia();
    } else if (status === 404 && isPlaylist(data)) {
      void this.onPlaylistMissing();
    } else if (status === 401 || status === 403) {
      void this.onRefused();
    } else {
      this.onNetworkError();
    }
  }

  /**
   * 404 for the playlist: the broadcast has not stored its first segment yet, or (once one was
   * playing) its media were deleted or the stream was; the grant endpoint tells the stream apart.
   */
  private async onPlaylistMissing(): Promise<void> {
    if (this.current.loaded) {
      const outcome = await this.renewal.renewNow();
      if (outcome === 'failed') {
        this.onNetworkError();
        return;
      }
      if (outcome !== 'renewed') {
        return; // the renewal reported the refusal or the missing stream
      }
    }
    this.dispatch({ type: 'playlistMissing' });
    this.schedule(() => this.reload(), WAITING_POLL_MS * (0.75 + Math.random() / 2));
  }

  /**
   * A media request was refused: the grant may have run out (a laptop asleep past its renewal)
   * or the policy may have changed. A renewal tells which.
   */
  private async onRefused(): Promise<void> {
    const outcome = await this.renewal.renewNow();
    if (outcome === 'failed') {
      this.onNetworkError();
      return;
    }
    if (outcome !== 'renewed') {
      return; // the renewal reported it
    }
    if (performance.now() - this.renewedAfterRefusalAt < REFUSED_AGAIN_MS) {
      this.dispatch({ type: 'grantRefused' });
      return;
    }
    this.renewedAfterRefusalAt = performance.now();
    this.retryNow();
  }

  private onNetworkError(): void {
    this.dispatch({ type: 'networkError' });
    this.schedule(() => this.retryNow(), retryDelayMs(this.networkFailures++));
  }

  /** Media errors: hls.js rebuilds the MediaSource; one right after another waits a little. */
  private recoverMedia(): void {
    const sinceLastMs = performance.now() - this.lastMediaRecoveryAt;
    const recover = () => {
      this.lastMediaRecoveryAt = performance.now();
      this.hls.recoverMediaError();
    };
    if (sinceLastMs > 5_000) {
      recover();
    } else {
      this.schedule(recover, retryDelayMs(this.networkFailures++));
    }
  }

  private retryNow(): void {
    clearTimeout(this.retryTimer);
    if (isFinal(this.current.state)) {
      return;
    }
    if (this.current.loaded) {
      this.hls.startLoad();
    } else {
      this.reload();
    }
  }

  private reload(): void {
    this.hls.loadSource(this.config.playlist);
  }

  private schedule(action: () => void, delayMs: number): void {
    clearTimeout(this.retryTimer);
    if (!isFinal(this.current.state)) {
      this.retryTimer = setTimeout(action, delayMs);
    }
  }

  private updatePosition(): void {
    const details = this.hls.latestLevelDetails;
    const video = this.video;
    if (details === null || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) {
      return;
    }
    const sync = this.hls.liveSyncPosition;
    const live = details.live && sync !== null;
    const behindSeconds = live ? Math.max(0, sync - video.currentTime) : Number.NaN;
    if (live) {
      const targetDuration = details.targetduration;
      this.dispatch({ type: 'positionChanged', behindSeconds, targetDuration });
    }
    this.listener.position({ date: this.hls.playingDate, behindSeconds });
  }

  private dispatch(event: PlayerEvent): void {
    const before = this.current;
    this.current = next(before, event);
    if (this.current === before) {
      return;
    }
    if (this.current.state !== before.state && isFinal(this.current.state)) {
      this.halt();
    }
    this.keepRate();
    this.listener.status(this.current);
  }

  /** At the live edge there is nothing to catch up with: faster playback returns to 1x. */
  private keepRate(): void {
    const rate = rateFor(this.current.state, this.video.playbackRate);
    if (rate !== this.video.playbackRate) {
      this.video.playbackRate = rate;
    }
  }

  /** Starts playing, muted if the browser refuses sound without a gesture. */
  private async play(): Promise<void> {
    try {
      await this.video.play();
    } catch (error) {
      if (error instanceof DOMException && error.name === 'NotAllowedError' && !this.video.muted) {
        this.video.muted = true;
        await this.video.play().catch(() => undefined);
      }
    }
  }

  private halt(): void {
    clearTimeout(this.retryTimer);
    clearInterval(this.tickTimer);
    this.renewal.stop();
    this.video.pause();
    this.hls.stopLoad();
    this.hls.detachMedia();
  }
}

function isFinal(state: PlayerState): boolean {
  return state === 'not-allowed' || state === 'not-found';
}

function isPlaylist(data: ErrorData): boolean {
  return data.frag === undefined;
}

function forwardBufferSeconds(video: HTMLVideoElement): number {
  const time = video.currentTime;
  const buffered = video.buffered;
  for (let i = 0; i < buffered.length; i++) {
    if (buffered.start(i) <= time + 0.1 && time < buffered.end(i)) {
      return buffered.end(i) - time;
    }
  }
  return 0;
}
