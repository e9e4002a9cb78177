import './player.css';
import { parseConfig } from './config';
import { commandFor, type Command, type KeyTarget } from './keys';
import { Player } from './player';
import { INITIAL_STATUS, type PlayerState } from './state';
import { View } from './ui';

/** What end-to-end tests reach through `window.rewindPlayer`. */
export interface RewindPlayerHandle {
  readonly hls: Player['hls'];
  readonly video: HTMLVideoElement;
  state(): PlayerState;
}

declare global {
  interface Window {
    rewindPlayer?: RewindPlayerHandle;
  }
}

const DEBUG_REFRESH_MS = 500;

function mount(): void {
  const root = document.getElementById('rewind-player');
  const configElement = document.getElementById('rewind-config');
  if (root === null || configElement === null) {
    throw new Error('the page needs #rewind-player and #rewind-config (see README.md)');
  }
  const config = parseConfig(configElement.textContent ?? '');
  const view = new View(root, config);
  const player = new Player(config, view.video, {
    status: (status) => view.render(status),
    position: (position) => view.showPosition(position),
  });
  view.render(INITIAL_STATUS);
  view.liveButton.addEventListener('click', () => player.jumpToLive());
  listenToKeys(player, view);
  window.rewindPlayer = { hls: player.hls, video: player.video, state: () => player.state() };
  player.start();
}

function listenToKeys(player: Player, view: View): void {
  let debugTimer: ReturnType<typeof setInterval> | undefined;
  const run: Record<Command, () => void> = {
    togglePlay: () => player.togglePlay(),
    seekBackward: () => player.seekBy(-1),
    seekForward: () => player.seekBy(1),
    volumeUp: () => player.changeVolume(1),
    volumeDown: () => player.changeVolume(-1),
    toggleMute: () => (player.video.muted = !player.video.muted),
    toggleFullscreen: () => view.toggleFullscreen(),
    jumpToLive: () => player.jumpToLive(),
    slower: () => player.changeRate(-1),
    faster: () => player.changeRate(1),
    toggleDebug: () => {
      clearInterval(debugTimer);
      if (view.toggleDebug()) {
        view.showDebug(player.debugInfo());
        debugTimer = setInterval(() => view.showDebug(player.debugInfo()), DEBUG_REFRESH_MS);
      }
    },
  };
  document.addEventListener('keydown', (event) => {
    const target = event.composedPath()[0];
    const command = commandFor(event, target instanceof Element ? describe(target) : BODY);
    if (command === null || event.defaultPrevented) {
      return;
    }
    event.preventDefault();
    run[command]();
  });
}

const BODY: KeyTarget = { tagName: 'body' };

function describe(element: Element): KeyTarget {
  return {
    tagName: element.tagName,
    type: element.getAttribute('type'),
    role: element.getAttribute('role'),
    isContentEditable: element instanceof HTMLElement && element.isContentEditable,
  };
}

mount();
