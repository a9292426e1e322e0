/** The idle time limit of a citizen session (quality targets A3, D5), as arithmetic on the quiet time. */
export interface IdleLimits {
  /** Quiet time before the warning. */
  idleMs: number;
  /** The warning's countdown, after which the session is wiped. */
  warningMs: number;
}

export type IdlePhase = { kind: 'active' } | { kind: 'warning'; secondsLeft: number } | { kind: 'expired' };

/** Where a session stands after `quietMs` without activity. */
export function idlePhase(quietMs: number, { idleMs, warningMs }: IdleLimits): IdlePhase {
  if (quietMs < idleMs) return { kind: 'active' };
  const leftMs = idleMs + warningMs - quietMs;
  return leftMs > 0 ? { kind: 'warning', secondsLeft: Math.ceil(leftMs / 1000) } : { kind: 'expired' };
}

/**
 * How long until `idlePhase` next changes: the warning's start, then each second of the countdown,
 * so a timer set for it wakes exactly when the screen must change (the wipe on the dot, D5).
 */
export function msUntilChange(quietMs: number, { idleMs, warningMs }: IdleLimits): number {
  if (quietMs < idleMs) return idleMs - quietMs;
  const leftMs = idleMs + warningMs - quietMs;
  return leftMs % 1000 || 1000;
}

/**
 * The seconds the polite live region says: the warning's start, each ten seconds, then each of the
 * last five, so a screen reader is not talked over every second.
 */
export function spokenSeconds(secondsLeft: number, warningSeconds: number): number {
  return secondsLeft <= 5 ? secondsLeft : Math.min(warningSeconds, Math.ceil(secondsLeft / 10) * 10);
}

export interface IdleTimer {
  /** A touch, key or scan: the quiet time starts again, except while the warning is up. */
  activity(): void;
  /** The citizen's answer to the warning: the quiet time starts again, and the warning goes. */
  extend(): void;
  stop(): void;
}

/**
 * Runs the limit from now (the session is active), calling `onPhase` at each change; the last call
 * is `expired`. During the warning only `extend` counts, so a passer-by's touch or a late scan does
 * not keep a session alive.
 */
export function startIdleTimer(limits: IdleLimits, onPhase: (phase: IdlePhase) => void): IdleTimer {
  let last = performance.now();
  let shown: IdlePhase = { kind: 'active' };
  let timer = 0;
  const check = () => {
    const quietMs = performance.now() - last;
    const phase = idlePhase(quietMs, limits);
    if (JSON.stringify(phase) !== JSON.stringify(shown)) onPhase(phase);
    shown = phase;
    if (phase.kind !== 'expired') timer = window.setTimeout(check, msUntilChange(quietMs, limits));
  };
  check();
  return {
    activity: () => {
      if (shown.kind === 'active') last = performance.now();
    },
    extend: () => {
      window.clearTimeout(timer);
      last = performance.now();
      check();
    },
    stop: () => window.clearTimeout(timer),
  };
}
