import type { DetectedDevices, DeviceKind } from '../../../shared/contract';
import type { Logger } from '../log';
import type { AnyProbeResult, ProbeFailure } from './detect';

/**
 * A detection as the setup wizard and the technician desk are shown it (setup.detectDevices,
 * devices.detect): each kind's probes, with their candidates or why they could not look. A probe's
 * `detail` is a tool's own words: it goes to the log, never to a screen.
 */
export function detectedForTechnician(results: AnyProbeResult[], log: Logger): DetectedDevices {
  for (const result of results) {
    if (!result.available) log.info('devices.probeUnavailable', { kind: result.kind, driver: result.driver, reason: result.reason, detail: result.detail });
  }
  const ofKind = <K extends DeviceKind>(kind: K) => results.filter((result): result is Extract<AnyProbeResult, { kind: K }> => result.kind === kind);
  return {
    // detect.ts gives every QR candidate its evidence.
    qrScanner: shown(ofKind('qrScanner'), ({ label, config, evidence }) => ({ label, config, evidence: evidence! })),
    cardReader: shown(ofKind('cardReader'), labelled),
    documentScanner: shown(ofKind('documentScanner'), labelled),
    printer: shown(ofKind('printer'), labelled),
  };
}

type Probe<Candidate> = { driver: string; candidates: Candidate[] } & ({ available: true } | { available: false; reason: ProbeFailure });

/** The probes with the fields a screen may see: nothing of `detail`, nor of what the caller's `show` leaves out. */
function shown<Candidate, Shown>(probes: Probe<Candidate>[], show: (candidate: Candidate) => Shown) {
  return probes.map((probe) => {
    const candidates = probe.candidates.map(show);
    return probe.available ? { driver: probe.driver, available: true as const, candidates } : { driver: probe.driver, available: false as const, reason: probe.reason, candidates };
  });
}

const labelled = <Config>({ label, config }: { label: string; config: Config }) => ({ label, config });
