import { setTimeout as sleep } from 'node:timers/promises';
import { KioskError } from '../../../../shared/errors';
import type { KioskFonts } from '../../fonts';
import { createSimulatedDevice } from '../simulator';
import type { DocumentScannerConfig } from '../../../../shared/config';
import type { DocumentScanner, ScannedPage } from './index';
import { createOutlineFont } from './outlineText';
import { renderScannedPage, SIMULATED_DOCUMENTS, type PageFonts } from './simulatedPage';
import { createScannerStatus } from './status';

export type SimulatedScannerConfig = Extract<DocumentScannerConfig, { driver: 'simulator' }>;

export interface SimulatedScanner extends DocumentScanner {
  unplug(): void;
  plug(): void;
}

const FAULT_CODES = { jammed: 'scanner.jammed', noPaper: 'scanner.noPaper', coverOpen: 'scanner.coverOpen' } as const;

/**
 * A scanner for demos and journey tests that gives rendered Vietnamese papers (simulatedPage.ts),
 * one every `pageDelayMs`, from a feeder holding `adfPages` sheets. The same seed gives the same
 * pages; each scan draws new skew and noise, as a re-scan does. A configured fault replaces the
 * page it names in every scan. The duplex back of each sheet is blank, as most certificates are.
 */
export function createSimulatedScanner(config: SimulatedScannerConfig, fonts: KioskFonts): SimulatedScanner {
  const presence = createSimulatedDevice('documentScanner', config);
  // Presence (connecting, ready, offline) comes from the shared simulator; this adds busy while scanning.
  const status = createScannerStatus('simulator');
  status.set(presence.status().state);
  presence.onStatus((changed) => status.set(changed.state));
  // Parsed at the first scan, not at start: most kiosks never use the simulator's pages.
  let pageFonts: PageFonts | undefined;
  const loadPageFonts = () => (pageFonts ??= { regular: createOutlineFont(fonts.regular), bold: createOutlineFont(fonts.bold) });
  let scanning = false;
  let scanCount = 0;

  return {
    status: status.get,
    onStatus: status.onStatus,
    unplug: presence.unplug,
    plug: presence.plug,
    async close() {
      status.clear();
      await presence.close();
    },
    async scan(options, { onPage, signal } = {}) {
      if (presence.status().state !== 'ready') throw new KioskError('scanner.notFound');
      if (scanning) throw new KioskError('scanner.busy');
      scanning = true;
      scanCount += 1;
      status.set('busy');
      try {
        const sheets = options.source === 'flatbed' ? 1 : Math.min(config.adfPages, options.maxPages ?? config.adfPages);
        const sides = options.source === 'adfDuplex' ? 2 : 1;
        const pages: ScannedPage[] = [];
        for (let number = 1; number <= sheets * sides; number++) {
          await sleep(config.pageDelayMs, undefined, { signal }).catch(() => {
            throw new KioskError('scanner.cancelled');
          });
          if (signal?.aborted) throw new KioskError('scanner.cancelled');
          if (config.fault?.atPage === number) throw new KioskError(FAULT_CODES[config.fault.kind]);
          if (presence.status().state !== 'ready') throw new KioskError('scanner.notFound');
          const sheet = Math.ceil(number / sides);
          const isBack = sides === 2 && number % 2 === 0;
          const rendered = await renderScannedPage(loadPageFonts(), {
            document: isBack ? null : (SIMULATED_DOCUMENTS[(config.seed + sheet - 1) % SIMULATED_DOCUMENTS.length] ?? null),
            dpi: options.resolution,
            colourMode: options.colourMode,
            format: config.format,
            seed: config.seed * 1_000_003 + scanCount * 1009 + number,
          });
          if (signal?.aborted) throw new KioskError('scanner.cancelled');
          const page: ScannedPage = { number, bytes: rendered.bytes, format: config.format, dpi: options.resolution, width: rendered.width, height: rendered.height };
          pages.push(page);
          onPage?.(page);
        }
        return pages;
      } finally {
        scanning = false;
        status.set(presence.status().state);
      }
    },
  };
}
