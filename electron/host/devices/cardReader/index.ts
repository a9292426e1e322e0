import type { X509Certificate } from 'node:crypto';
import type { CardReaderConfig } from '../../../../shared/config';
import type { Transmit } from '../../../../shared/icao9303/apdu';
import { readDocument, type ChipAccess, type ChipDocument } from '../../../../shared/icao9303/readDocument';
import type { Device } from '../index';
import { nodeIcaoCrypto } from './icaoCrypto';
import { createPassiveAuthentication, loadCscaFile } from './passiveAuthentication';
import { createPcscCardReader } from './pcsc';
import { createSimulatedCardReader } from './simulatedReader';

export interface CardSessionOptions {
  /** How long to wait for a card to be put down: then `card.noCard`. */
  timeoutMs?: number;
}

/** The CCCD chip reader, whatever its driver: one session at a time with the card on it. */
export interface CardReader extends Device {
  withCard<T>(run: (transmit: Transmit) => Promise<T>, options?: CardSessionOptions): Promise<T>;
}

export function createCardReader(config: CardReaderConfig): CardReader {
  switch (config.driver) {
    case 'simulator':
      return createSimulatedCardReader(config);
    case 'pcsc':
      return createPcscCardReader();
  }
}

/**
 * Reads the chip of the card on the reader (PACE or BAC, secure messaging, passive authentication
 * against the technician's CSCAs, read again on every call so a new file counts).
 */
export async function readChip(reader: CardReader, access: ChipAccess, config: CardReaderConfig): Promise<ChipDocument> {
  const cscas: X509Certificate[] = config.cscaFile ? await loadCscaFile(config.cscaFile) : [];
  const passiveAuthentication = createPassiveAuthentication({ cscas });
  return reader.withCard((transmit) => readDocument({ transmit, crypto: nodeIcaoCrypto, passiveAuthentication, ...access }));
}
