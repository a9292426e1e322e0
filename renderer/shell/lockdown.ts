/**
 * What the page itself does against a citizen leaving the kiosk (issue 9), under Electron and in
 * Chromium alike: browser shortcuts that reload, print, save, open, search, zoom, move through
 * history, show the source or open the developer tools do nothing; no context menu, no dragging
 * out, no file dropped in (Chromium would open it in the kiosk's place), no middle click, no
 * Ctrl+wheel zoom (pinch-zoom is off in tokens.css). Zoom is not taken from anyone: the status
 * bar's text size does it for the kiosk's own screens. What the browser keeps for itself (Ctrl+W,
 * Ctrl+T, Alt+F4, Alt+Tab) is the kiosk window's and the locked-down OS session's.
 */

/** F1 help, F3 find, F5 reload, F6 address bar, F7 caret browsing, F10 menu, F11 full screen, F12 developer tools. */
const FUNCTION_KEYS = new Set(['F1', 'F3', 'F5', 'F6', 'F7', 'F10', 'F11', 'F12']);
/**
 * With Ctrl (or ⌘): reload, print, save, open, find, find next, history, downloads, bookmark,
 * source, address bar, new window, new tab, search, zoom. Copy, paste, cut, undo and select-all
 * stay: they edit the kiosk's own fields.
 */
const CONTROL_KEYS = new Set(['r', 'p', 's', 'o', 'f', 'g', 'h', 'j', 'd', 'u', 'l', 'n', 't', 'e', 'k', '+', '=', '-', '0']);
/** With Ctrl+Shift besides those: developer tools (I, J, C), clear browsing data, bookmarks bar. */
const CONTROL_SHIFT_KEYS = new Set(['i', 'j', 'c', 'delete', 'b']);

export function isEscapeKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  const key = event.key.toLowerCase();
  if (FUNCTION_KEYS.has(event.key)) return true;
  // Ctrl+Alt is AltGr on many layouts, which types characters, and Ctrl+Alt+H opens the helper's desk.
  if ((event.ctrlKey || event.metaKey) && !event.altKey) return event.shiftKey ? CONTROL_SHIFT_KEYS.has(key) || CONTROL_KEYS.has(key) : CONTROL_KEYS.has(key);
  // Alt+← and Alt+→ move through history, Alt+Home opens the home page.
  return event.altKey && !event.ctrlKey && ['arrowleft', 'arrowright', 'home'].includes(key);
}

/** Installs the guards on the window, before any of the page's own handlers; answers how to remove them. */
export function lockDownPage(target: Window = window): () => void {
  const prevent = (event: Event) => event.preventDefault();
  const guards: Array<[string, (event: Event) => void]> = [
    ['keydown', (event) => isEscapeKey(event as KeyboardEvent) && event.preventDefault()],
    ['contextmenu', prevent],
    ['dragstart', prevent],
    // Without both, Chromium opens a dropped file in the page's place.
    ['dragover', prevent],
    ['drop', prevent],
    // The middle button opens links in new tabs, and pressed it starts autoscroll.
    ['auxclick', prevent],
    ['mousedown', (event) => (event as MouseEvent).button === 1 && event.preventDefault()],
    ['wheel', (event) => (event as WheelEvent).ctrlKey && event.preventDefault()],
  ];
  for (const [type, guard] of guards) target.addEventListener(type, guard, { capture: true, passive: false });
  return () => {
    for (const [type, guard] of guards) target.removeEventListener(type, guard, { capture: true });
  };
}
