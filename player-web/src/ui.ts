import 'media-chrome/media-controller.js';
import 'media-chrome/media-control-bar.js';
import 'media-chrome/media-play-button.js';
import 'media-chrome/media-seek-backward-button.js';
import 'media-chrome/media-seek-forward-button.js';
import 'media-chrome/media-time-range.js';
import 'media-chrome/media-playback-rate-button.js';
import 'media-chrome/media-mute-button.js';
import 'media-chrome/media-volume-range.js';
import 'media-chrome/media-pip-button.js';
import 'media-chrome/media-fullscreen-button.js';
import 'media-chrome/media-loading-indicator.js';
import type { PlayerConfig } from './config';
import type { DebugInfo, Position } from './player';
import type { PlayerState, Status } from './state';
import { formatBehindLive, formatWallClock } from './time';

/** What each state tells the viewer; live and behind speak through the Live badge instead. */
const MESSAGES: Readonly<Record<PlayerState, { title: string; detail: string }>> = {
  waiting: {
    title: 'The broadcast has not started yet',
    detail: 'It will play here as soon as it starts.',
  },
  live: { title: '', detail: '' },
  behind: { title: '', detail: '' },
  ended: {
    title: 'The broadcast has ended',
    detail: 'Press play to watch it from the start.',
  },
  'not-allowed': {
    title: 'You are not allowed to watch this stream',
    detail: 'Reload the page if your sign-in expired, or ask the organizer to add you.',
  },
  'not-found': {
    title: 'This stream no longer exists',
    detail: 'Check the link you were given.',
  },
  network: {
    title: 'Connection lost',
    detail: 'Reconnecting by itself…',
  },
};

const TEMPLATE = `
<media-controller class="rewind-stage" nohotkeys>
  <video slot="media" playsinline preload="auto"></video>
  <media-loading-indicator slot="centered-chrome" noautohide></media-loading-indicator>
  <div class="rewind-message" slot="centered-chrome" noautohide role="status" aria-live="polite">
    <p class="rewind-message-title"></p>
    <p class="rewind-message-detail"></p>
  </div>
  <pre class="rewind-debug" slot="top-chrome" noautohide hidden aria-hidden="true"></pre>
  <media-control-bar class="rewind-timeline">
    <span class="rewind-clock" title="Time of this moment of the broadcast"></span>
    <media-time-range></media-time-range>
    <span class="rewind-behind" title="How far behind live"></span>
  </media-control-bar>
  <media-control-bar class="rewind-buttons">
    <media-play-button></media-play-button>
    <media-seek-backward-button seekoffset="10"></media-seek-backward-button>
    <media-seek-forward-button seekoffset="10"></media-seek-forward-button>
    <button type="button" class="rewind-live"><span class="rewind-dot"></span>Live</button>
    <span class="rewind-replay">Replay</span>
    <span class="rewind-spacer"></span>
    <media-playback-rate-button rates="1 1.5 2"></media-playback-rate-button>
    <media-mute-button></media-mute-button>
    <media-volume-range></media-volume-range>
    <media-pip-button></media-pip-button>
    <media-fullscreen-button></media-fullscreen-button>
  </media-control-bar>
</media-controller>
<div class="rewind-who"></div>
`;

/** The player's elements, built into the page's `<div id="rewind-player">`. */
export class View {
  readonly video: HTMLVideoElement;
  readonly liveButton: HTMLButtonElement;
  private readonly clock: HTMLElement;
  private readonly behind: HTMLElement;
  private readonly message: HTMLElement;
  private readonly debug: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly config: PlayerConfig,
  ) {
    root.classList.add('rewind');
    root.innerHTML = TEMPLATE;
    this.video = this.find('video');
    this.liveButton = this.find('.rewind-live');
    this.clock = this.find('.rewind-clock');
    this.behind = this.find('.rewind-behind');
    this.message = this.find('.rewind-message');
    this.debug = this.find('.rewind-debug');
    this.find('.rewind-who').append(signedInAs(config));
  }

  render(status: Status): void {
    const { title, detail } = MESSAGES[status.state];
    this.root.dataset.state = status.state;
    this.find('.rewind-message-title').textContent = title;
    this.find('.rewind-message-detail').textContent = detail;
    if (status.state === 'not-allowed' && this.message.querySelector('form') === null) {
      this.message.append(signedInAs(this.config));
    }
    this.liveButton.setAttribute(
      'aria-label',
      status.state === 'live' ? 'Live: playing at the live edge' : 'Jump to live',
    );
  }

  showPosition(position: Position): void {
    this.clock.textContent = position.date === null ? '' : formatWallClock(position.date);
    const atEdge = this.root.dataset.state !== 'behind';
    this.behind.textContent = atEdge ? '' : formatBehindLive(position.behindSeconds);
  }

  /** Shows or hides the debug overlay; returns whether it is shown. */
  toggleDebug(): boolean {
    this.debug.hidden = !this.debug.hidden;
    return !this.debug.hidden;
  }

  showDebug(info: DebugInfo): void {
    this.debug.textContent = [
      `latency   ${seconds(info.latencySeconds)}`,
      `buffer    ${seconds(info.bufferSeconds)}`,
      `bitrate   ${megabits(info.segmentBitsPerSecond)} (segment)`,
      `bandwidth ${megabits(info.bandwidthEstimate)} (estimate)`,
      `segment   ${info.segment || '-'}`,
    ].join('\n');
  }

  /** Presses the full-screen button, which knows how each browser enters full screen. */
  toggleFullscreen(): void {
    this.find('media-fullscreen-button').click();
  }

  private find<T extends HTMLElement>(selector: string): T {
    const element = this.root.querySelector<T>(selector);
    if (element === null) {
      throw new Error(`player template has no ${selector}`);
    }
    return element;
  }
}

/** "Signed in as …" with a sign-out button, which also ends this stream's grant. */
function signedInAs(config: PlayerConfig): HTMLElement {
  const form = document.createElement('form');
  form.className = 'rewind-sign-out';
  form.method = 'post';
  form.action = config.signOutUrl;
  const stream = Object.assign(document.createElement('input'), {
    type: 'hidden',
    name: 'stream',
    value: config.streamId,
  });
  const who = document.createElement('span');
  who.textContent = config.email === '' ? '' : `Signed in as ${config.email}`;
  const button = Object.assign(document.createElement('button'), {
    type: 'submit',
    textContent: 'Sign out',
  });
  form.append(stream, who, button);
  return form;
}

function seconds(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(1)} s` : '-';
}

function megabits(bitsPerSecond: number): string {
  return bitsPerSecond > 0 ? `${(bitsPerSecond / 1e6).toFixed(2)} Mbit/s` : '-';
}
