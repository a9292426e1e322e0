import { backlogBench, pages } from './bench';

const DOSSIERS = 200;
const PAGES_PER_DOSSIER = 3;
const PAGE_BYTES = 1_000_000;
const TOTAL_BYTES = DOSSIERS * PAGES_PER_DOSSIER * PAGE_BYTES;
const LINK_BYTES_PER_SEC = 12_500_000; // 100 Mbit/s: a commune's fibre once it is back
const IDEAL_MS = (TOTAL_BYTES / LINK_BYTES_PER_SEC) * 1000;

/**
 * The backlog after an outage: 200 dossiers × 3 pages × 1 MB saved while the link was down, then
 * drained over a 100 Mbit/s link, from the link coming back to the last receipt. Reported as
 * goodput (page bytes per second) against the link rate; the time target is 2 × the ideal.
 */
export const drain = backlogBench({
  id: 'Q1',
  title: `Drain ${DOSSIERS} dossiers × ${PAGES_PER_DOSSIER} × 1 MB after an outage over 100 Mbit/s (ideal ${IDEAL_MS / 1000} s)`,
  idealMs: IDEAL_MS,
  target: { p95Ms: 2 * IDEAL_MS },
  *dossiers() {
    for (let i = 0; i < DOSSIERS; i += 1) yield pages(PAGES_PER_DOSSIER, PAGE_BYTES);
  },
  faults: { bandwidth: { upBytesPerSec: LINK_BYTES_PER_SEC, downBytesPerSec: LINK_BYTES_PER_SEC } },
  note({ ms, kiosk }) {
    const goodput = TOTAL_BYTES / (ms / 1000);
    return `${(ms / 1000).toFixed(1)} s; goodput ${(goodput / 1e6).toFixed(2)} MB/s = ${((100 * goodput) / LINK_BYTES_PER_SEC).toFixed(0)} % of the link rate; ${kiosk.portal.store.dossiers().length} dossiers at the portal`;
  },
});
