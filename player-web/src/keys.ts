/** The player's keyboard shortcuts, decided without touching the DOM. */

export type Command =
  | 'togglePlay'
  | 'seekBackward'
  | 'seekForward'
  | 'volumeUp'
  | 'volumeDown'
  | 'toggleMute'
  | 'toggleFullscreen'
  | 'jumpToLive'
  | 'slower'
  | 'faster'
  | 'toggleDebug';

/** The parts of a `KeyboardEvent` that matter. */
export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  /** Whether the key is held down and repeating. */
  readonly repeat?: boolean;
}

/** The element the key was pressed in (the innermost one, inside shadow roots too). */
export interface KeyTarget {
  readonly tagName: string;
  readonly type?: string | null;
  readonly role?: string | null;
  readonly isContentEditable?: boolean;
}

const COMMANDS: ReadonlyMap<string, Command> = new Map([
  [' ', 'togglePlay'],
  ['k', 'togglePlay'],
  ['ArrowLeft', 'seekBackward'],
  ['ArrowRight', 'seekForward'],
  ['ArrowUp', 'volumeUp'],
  ['ArrowDown', 'volumeDown'],
  ['m', 'toggleMute'],
  ['f', 'toggleFullscreen'],
  ['l', 'jumpToLive'],
  ['<', 'slower'],
  ['>', 'faster'],
  ['d', 'toggleDebug'],
]);

/** Commands that may repeat while their key is held down; toggles must not flicker. */
const REPEATABLE: ReadonlySet<Command> = new Set([
  'seekBackward',
  'seekForward',
  'volumeUp',
  'volumeDown',
  'slower',
  'faster',
]);

/** Input types that take no typing; every other input type (text, email, number...) does. */
const NON_TEXT_INPUTS = new Set([
  'button',
  'checkbox',
  'color',
  'file',
  'image',
  'radio',
  'range',
  'reset',
  'submit',
]);

const ACTIVATED_BY_SPACE = new Set(['button', 'checkbox', 'radio', 'switch', 'menuitem', 'tab']);

/**
 * The command for a key press, or null when the key is not a shortcut or belongs to the focused
 * element: typing in a text field, Space on a button (which presses it), arrows on a slider
 * (which move it). Presses with Ctrl, Alt or Meta stay the browser's, and a held key repeats
 * only seeking, volume and speed.
 */
export function commandFor(press: KeyPress, target: KeyTarget): Command | null {
  if (press.ctrlKey || press.metaKey || press.altKey || takesText(target)) {
    return null;
  }
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  const command = COMMANDS.get(key);
  if (command === undefined || (press.repeat && !REPEATABLE.has(command))) {
    return null;
  }
  if (key === ' ' && activatedBySpace(target)) {
    return null;
  }
  if (key.startsWith('Arrow') && isSlider(target)) {
    return null;
  }
  return command;
}

function takesText(target: KeyTarget): boolean {
  const tag = target.tagName.toLowerCase();
  if (target.isContentEditable || tag === 'textarea' || tag === 'select') {
    return true;
  }
  return tag === 'input' && !NON_TEXT_INPUTS.has((target.type ?? 'text').toLowerCase());
}

function activatedBySpace(target: KeyTarget): boolean {
  const tag = target.tagName.toLowerCase();
  if (tag === 'button' || tag === 'summary') {
    return true;
  }
  if (tag === 'input' && (target.type ?? '').toLowerCase() !== 'range') {
    return true;
  }
  return ACTIVATED_BY_SPACE.has(target.role ?? '');
}

function isSlider(target: KeyTarget): boolean {
  const type = (target.type ?? '').toLowerCase();
  return (target.tagName.toLowerCase() === 'input' && type === 'range') || target.role === 'slider';
}
