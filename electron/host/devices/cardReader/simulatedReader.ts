import type { CardReaderConfig } from '../../../../shared/config';
import { KioskError } from '../../../../shared/errors';
import type { Transmit } from '../../../../shared/icao9303/apdu';
import { fromHex } from '../../../../shared/icao9303/bytes';
import type { MrzAccessKey } from '../../../../shared/icao9303/mrz';
import simulatorCard from '../../../../assets/simulator/cccd-card.json';
import { createSimulatedDevice } from '../simulator';
import type { CardReader, CardSessionOptions } from './index';
import { nodeIcaoCrypto } from './icaoCrypto';
import { createSimulatedChip } from './simulatedChip';

/** A card for the simulated reader: the chip's files by FID, the MRZ data its BAC keys come from, and PACE when it offers it. */
export interface SimulatedCard {
  accessKey: MrzAccessKey;
  files: ReadonlyMap<number, Uint8Array>;
  pace?: { cardAccess: Uint8Array; can: string };
}

/**
 * The fake card of the domain notes (facts.md §F.3: Trần Thị Thử, 056190012345), with a face, an
 * SOD signed under a throwaway test CSCA, and PACE with the CAN besides BAC (assets/simulator/,
 * made by test/support/simulatorCard.ts).
 */
export const demoCard = (): SimulatedCard => ({
  accessKey: simulatorCard.accessKey,
  pace: { cardAccess: fromHex(simulatorCard.cardAccess), can: simulatorCard.can },
  files: new Map(Object.entries(simulatorCard.files).map(([fid, hex]) => [Number.parseInt(fid, 16), fromHex(hex)])),
});

export interface SimulatedCardReader extends CardReader {
  /** Puts a card on the reader (the demo card when none is given). */
  insert(card?: SimulatedCard): void;
  /** Takes the card off; a session under way fails as with a real card pulled away. */
  remove(): void;
  unplug(): void;
  plug(): void;
}

/**
 * A reader with the demo card lying on it: the whole BAC, secure messaging and passive
 * authentication path runs against a chip that behaves like a CCCD.
 */
export function createSimulatedCardReader(config: Extract<CardReaderConfig, { driver: 'simulator' }>): SimulatedCardReader {
  const presence = createSimulatedDevice('cardReader', config);
  let card: SimulatedCard | null = demoCard();
  const cardListeners = new Set<() => void>();
  const changed = () => cardListeners.forEach((listener) => listener());

  /** The card now, or once one is put down within the timeout. */
  function cardOnReader(timeoutMs: number): Promise<SimulatedCard> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(() => reject(new KioskError('card.noCard'))), timeoutMs);
      const check = () => {
        if (presence.status().state === 'offline') done(() => reject(new KioskError('card.noReader')));
        else if (card && presence.status().state === 'ready') done(() => resolve(card!));
      };
      const unsubscribe = presence.onStatus(check);
      cardListeners.add(check);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        unsubscribe();
        cardListeners.delete(check);
        settle();
      };
      check();
    });
  }

  return {
    status: presence.status,
    onStatus: presence.onStatus,
    close: presence.close,
    unplug: presence.unplug,
    plug: presence.plug,
    insert(next = demoCard()) {
      card = next;
      changed();
    },
    remove() {
      card = null;
      changed();
    },
    async withCard<T>(run: (transmit: Transmit) => Promise<T>, { timeoutMs = 30_000 }: CardSessionOptions = {}) {
      const session = await cardOnReader(timeoutMs);
      const chip = createSimulatedChip({ crypto: nodeIcaoCrypto, accessKey: session.accessKey, files: session.files, ...session.pace });
      // Every command first checks that this card is still on the reader.
      return run((command) => (card === session ? chip(command) : Promise.reject(new KioskError('card.removed'))));
    },
  };
}
