import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeviceStatus } from '../../../../shared/contract';
import { shortReference } from '../../../../shared/dossier/dossier';
import type { ErrorParams } from '../../../../shared/errors';
import { receiptMarkup, type ReceiptData } from '../../../../shared/receipt';
import type { Device } from '../index';
import type { PrinterProfile, ReceiptPrinterConfig } from '../../../../shared/config';
import { createCupsTransport } from './cups';
import { renderReceipt, type ReceiptFonts } from './escpos';
import { createSimulatedPrinterLine } from './simulator';
import { createTcpTransport } from './tcp';
import { asPrinterError, sendJob, type PrinterTransport } from './transport';
import { createUsbTransport } from './usb';
import { createWindowsTransport } from './windows';

/**
 * The receipt printer, whatever its transport. `print` renders the receipt for this printer's
 * paper and code page, checks on two-way transports that it can print, and sends the job; it
 * fails with a `printer.*` code the citizen's screen can show.
 */
export interface ReceiptPrinter extends Device {
  /** The paper and code page it renders for; the self-test's test receipt states them. */
  readonly profile: PrinterProfile;
  print(receipt: ReceiptData): Promise<void>;
  /**
   * Prints any receiptline document the same way (the self-test's test receipt and report);
   * `params` go into a failure's params, to name what was being printed.
   */
  printMarkup(markup: string, params?: ErrorParams): Promise<void>;
}

/** How long a two-way printer gets to answer each status request before it counts as offline. */
const DEFAULT_STATUS_TIMEOUT_MS = 1000;

export function createReceiptPrinter(config: ReceiptPrinterConfig, fonts: ReceiptFonts): ReceiptPrinter {
  switch (config.driver) {
    case 'simulator': {
      const line = createSimulatedPrinterLine(config, fonts);
      const { outputDir } = config;
      if (outputDir) {
        line.onJob((job) => {
          void mkdir(outputDir, { recursive: true }).then(() => writeFile(path.join(outputDir, `receipt-${Date.now()}.png`), job.png));
        });
      }
      return printerOn(config, line, fonts, { connectDelayMs: config.connectDelayMs, statusTimeoutMs: DEFAULT_STATUS_TIMEOUT_MS });
    }
    case 'usb':
      return printerOn(config, createUsbTransport(config.devicePath), fonts, { statusTimeoutMs: DEFAULT_STATUS_TIMEOUT_MS });
    case 'tcp':
      return printerOn(config, createTcpTransport(config), fonts, { statusTimeoutMs: config.statusTimeoutMs });
    case 'cups':
      return printerOn(config, createCupsTransport({ queue: config.queue, lpPath: config.lpPath }), fonts, { statusTimeoutMs: DEFAULT_STATUS_TIMEOUT_MS });
    case 'windows':
      return printerOn(config, createWindowsTransport({ printerName: config.printerName }), fonts, { statusTimeoutMs: DEFAULT_STATUS_TIMEOUT_MS });
  }
}

/** A receipt printer on any transport; exported for tests that bring their own transport. */
export function printerOn(
  config: ReceiptPrinterConfig,
  transport: PrinterTransport,
  fonts: ReceiptFonts,
  options: { statusTimeoutMs: number; connectDelayMs?: number },
): ReceiptPrinter {
  const listeners = new Set<(status: DeviceStatus) => void>();
  let status: DeviceStatus = { id: `printer-${config.driver}`, kind: 'printer', driver: config.driver, state: options.connectDelayMs ? 'connecting' : 'ready' };
  const setState = (state: DeviceStatus['state']) => {
    if (status.state === state) return;
    status = { ...status, state };
    for (const listener of listeners) listener(status);
  };
  const connecting = options.connectDelayMs ? setTimeout(() => setState('ready'), options.connectDelayMs) : undefined;
  const printMarkup = async (markup: string, params: ErrorParams = {}) => {
    setState('busy');
    try {
      const job = await renderReceipt(markup, config, fonts);
      await sendJob(transport, job, options.statusTimeoutMs);
      setState('ready');
    } catch (error) {
      const failure = asPrinterError(error, params);
      setState(failure.code === 'printer.notFound' || failure.code === 'printer.offline' ? 'offline' : 'error');
      throw failure;
    }
  };

  return {
    profile: { paper: config.paper, codePage: config.codePage, upsideDown: config.upsideDown },
    status: () => status,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    print: (receipt) => printMarkup(receiptMarkup(receipt), { dossier: shortReference(receipt.dossierId) }),
    printMarkup,
    async close() {
      clearTimeout(connecting);
      listeners.clear();
    },
  };
}
