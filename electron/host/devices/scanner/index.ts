import type { KioskFonts } from '../../fonts';
import type { Device } from '../index';
import type { DocumentScannerConfig } from '../../../../shared/config';
import { createEsclScanner } from './escl';
import { createSaneScanner } from './sane';
import { createSimulatedScanner } from './simulator';

export type ScanSource = 'flatbed' | 'adf' | 'adfDuplex';
export type ColourMode = 'colour' | 'grey' | 'lineart';

export interface ScanOptions {
  source: ScanSource;
  /** Dots per inch asked for; a device may round it (the page says what it gave). */
  resolution: number;
  colourMode: ColourMode;
  /** Stop after this many pages (ADF); a flatbed always gives one. */
  maxPages?: number;
}

/** One scanned side, as the device gave it; the image pipeline converts it later. */
export interface ScannedPage {
  /** 1 for the first page of the scan. */
  number: number;
  bytes: Uint8Array;
  format: 'png' | 'jpeg';
  dpi: number;
  width: number;
  height: number;
}

export interface ScanControl {
  /** Hears each page as soon as it is complete, in order: the screen shows progress with it. */
  onPage?: (page: ScannedPage) => void;
  /** Aborting stops the scan: it rejects with `scanner.cancelled` and leaves no process behind. */
  signal?: AbortSignal;
}

/**
 * A paper-document scanner, whatever its driver. `scan` resolves with every page, or rejects with
 * a KioskError: scanner.noPaper, .jammed, .coverOpen, .notFound, .busy, .cancelled, or .failed
 * with a short `reason` param that holds nothing personal.
 */
export interface DocumentScanner extends Device {
  scan(options: ScanOptions, control?: ScanControl): Promise<ScannedPage[]>;
}

/** The scanner `devices.documentScanner` names; the simulator draws its pages with the kiosk's fonts. */
export function createDocumentScanner(config: DocumentScannerConfig, fonts: KioskFonts): DocumentScanner {
  switch (config.driver) {
    case 'simulator':
      return createSimulatedScanner(config, fonts);
    case 'sane':
      return createSaneScanner(config);
    case 'escl':
      return createEsclScanner(config);
  }
}
