import { describe, expect, it } from 'vitest';
import { commandFor, type KeyPress, type KeyTarget } from './keys';

const body: KeyTarget = { tagName: 'BODY' };
const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...extra,
});

describe('commandFor', () => {
  it.each([
    [' ', 'togglePlay'],
    ['k', 'togglePlay'],
    ['ArrowLeft', 'seekBackward'],
    ['ArrowRight', 'seekForward'],
    ['ArrowUp', 'volumeUp'],
    ['ArrowDown', 'volumeDown'],
    ['f', 'toggleFullscreen'],
    ['l', 'jumpToLive'],
    ['<', 'slower'],
    ['>', 'faster'],
    ['d', 'toggleDebug'],
    ['m', 'toggleMute'],
  ])('maps %j to %s', (key, command) => {
    expect(commandFor(press(key), body)).toBe(command);
  });

  it('accepts letters typed with Shift or Caps Lock', () => {
    expect(commandFor(press('F'), body)).toBe('toggleFullscreen');
    expect(commandFor(press('K'), body)).toBe('togglePlay');
  });

  it('ignores other keys', () => {
    for (const key of ['a', 'Enter', 'Tab', 'Escape', 'j', '0', 'Shift']) {
      expect(commandFor(press(key), body)).toBeNull();
    }
  });

  it('leaves key combinations to the browser', () => {
    expect(commandFor(press('f', { ctrlKey: true }), body)).toBeNull();
    expect(commandFor(press('l', { metaKey: true }), body)).toBeNull();
    expect(commandFor(press('ArrowLeft', { altKey: true }), body)).toBeNull();
  });

  it('never fires while typing in a text field', () => {
    const fields: KeyTarget[] = [
      { tagName: 'INPUT' },
      { tagName: 'INPUT', type: 'text' },
      { tagName: 'INPUT', type: 'email' },
      { tagName: 'INPUT', type: 'search' },
      { tagName: 'INPUT', type: 'number' },
      { tagName: 'TEXTAREA' },
      { tagName: 'SELECT' },
      { tagName: 'DIV', isContentEditable: true },
    ];
    for (const field of fields) {
      for (const key of [' ', 'k', 'f', 'l', 'd', 'ArrowLeft', 'ArrowUp', '<', '>']) {
        expect(commandFor(press(key), field), `${key} in ${JSON.stringify(field)}`).toBeNull();
      }
    }
  });

  it('lets Space press a focused button instead of toggling playback twice', () => {
    expect(commandFor(press(' '), { tagName: 'BUTTON' })).toBeNull();
    expect(commandFor(press(' '), { tagName: 'MEDIA-PLAY-BUTTON', role: 'button' })).toBeNull();
    expect(commandFor(press(' '), { tagName: 'INPUT', type: 'checkbox' })).toBeNull();
    expect(commandFor(press('k'), { tagName: 'BUTTON' })).toBe('togglePlay');
    expect(commandFor(press('ArrowLeft'), { tagName: 'BUTTON' })).toBe('seekBackward');
  });

  it('lets arrows move a focused slider, and Space still play', () => {
    const seekBar = { tagName: 'INPUT', type: 'range' };
    expect(commandFor(press('ArrowLeft'), seekBar)).toBeNull();
    expect(commandFor(press('ArrowUp'), { tagName: 'DIV', role: 'slider' })).toBeNull();
    expect(commandFor(press(' '), seekBar)).toBe('togglePlay');
    expect(commandFor(press('f'), seekBar)).toBe('toggleFullscreen');
  });

  it('repeats seeking, volume and speed while a key is held, not the toggles', () => {
    const held = { repeat: true };
    expect(commandFor(press('ArrowRight', held), body)).toBe('seekForward');
    expect(commandFor(press('ArrowDown', held), body)).toBe('volumeDown');
    expect(commandFor(press('>', held), body)).toBe('faster');
    expect(commandFor(press(' ', held), body)).toBeNull();
    expect(commandFor(press('f', held), body)).toBeNull();
    expect(commandFor(press('d', held), body)).toBeNull();
  });
});
