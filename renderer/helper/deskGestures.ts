import { useEffect, useRef, type PointerEvent } from 'react';
import { useStore } from '../store';

/** Long enough that no citizen opens the desk by resting a finger on the status bar. */
const HOLD_MS = 2_000;

/**
 * The discreet ways to the helper's desk from any screen: holding the version in the status bar for
 * two seconds, or Ctrl+Alt+H on a counter keyboard. Discreet, not secret: the desk asks for a PIN.
 */
export function useDeskShortcut(): void {
  const openDesk = useStore((state) => state.openDesk);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey && event.altKey && event.key.toLowerCase() === 'h') {
        event.preventDefault();
        openDesk('home');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openDesk]);
}

/** Handlers for the element a helper holds to open the desk. */
export function useDeskHold() {
  const openDesk = useStore((state) => state.openDesk);
  const timer = useRef<number | undefined>(undefined);
  const cancel = () => window.clearTimeout(timer.current);
  useEffect(() => cancel, []);
  return {
    onPointerDown: (event: PointerEvent) => {
      // Keep the pointer when the finger drifts off the small text, so the hold is not cut short.
      (event.target as Element).setPointerCapture?.(event.pointerId);
      cancel();
      timer.current = window.setTimeout(() => openDesk('home'), HOLD_MS);
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    // A long touch would otherwise open the browser's menu.
    onContextMenu: (event: { preventDefault(): void }) => event.preventDefault(),
  };
}
