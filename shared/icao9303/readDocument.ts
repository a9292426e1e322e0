import { KioskError } from '../errors';
import { plainChannel, type CardChannel, type Transmit } from './apdu';
import { authenticateWithBac } from './bac';
import type { Icao9303Crypto } from './crypto';
import { parseDg13, type Dg13 } from './dg13';
import { parseDg2, type FaceImage } from './dg2';
import { FILE_ID, readFile, selectEmrtdApplication } from './files';
import { parseDg1, parseEfCom, type Td1Mrz } from './lds';
import type { MrzAccessKey } from './mrz';
import { authenticateWithPace, CARD_ACCESS_FILE_ID, isPaceRefusal, parseCardAccess, type PaceInfo } from './pace';
import { parseSod, type PassiveAuthentication, type PassiveAuthenticationResult } from './sod';

/**
 * The whole chip read of a CCCD (Doc 9303-11 §4 and §5.1; facts.md §2): open the chip with PACE
 * when its EF.CardAccess offers it, else with BAC; read EF.COM, EF.SOD and the data groups the
 * kiosk uses, and check them by passive authentication. Pure: the reader, the crypto and the
 * certificates come in.
 *
 * Errors are the steps' own: `card.wrongMrz` when BAC is refused, `card.wrongCan` when PACE
 * is refused and there is no MRZ data to try BAC with, `card.badMac` when an answer was changed
 * on the way, `card.unsupported` for anything the kiosk cannot read or verify, and `card.altered`
 * when a data group that fails its hash does not even parse.
 */

/**
 * What opens the chip. The MRZ data (BAC) and the CAN (PACE) are each enough on their own; with
 * both, PACE is tried first and BAC is the fallback. On a CCCD the CAN is the number's last
 * 6 digits (`cccdCan`), so a 9-digit document number gives it when `can` is left out.
 */
export type ChipAccess = { accessKey: MrzAccessKey; can?: string } | { accessKey?: undefined; can: string };

export type ReadDocumentOptions = ChipAccess & {
  transmit: Transmit;
  crypto: Icao9303Crypto;
  passiveAuthentication: PassiveAuthentication;
};

export interface ChipDocument {
  /** The data groups EF.COM lists, in the chip's order. */
  dataGroups: number[];
  /** DG1. */
  mrz: Td1Mrz;
  /** DG13, when the chip has it. */
  personalData: Dg13 | null;
  /** DG2, when the chip has it. */
  face: FaceImage | null;
  /** Whether to believe all of the above: the UI must not take an `altered` card as an identity. */
  passiveAuthentication: PassiveAuthenticationResult;
}

/** DG1 (MRZ), DG13 (personal data) and DG2 (portrait), smallest first. DG3 needs EAC and is never read (facts.md §2.1). */
const DATA_GROUPS_READ = [1, 13, 2] as const;

/** The CAN a CCCD's BAC document number (the number's last 9 digits) implies; null for any other document number. */
const canOf = (accessKey: MrzAccessKey | undefined) => (accessKey && /^\d{9}$/.test(accessKey.documentNumber) ? accessKey.documentNumber.slice(-6) : null);

/** The PACEInfos the chip offers; none when it has no EF.CardAccess (a BAC-only chip answers 6A82) or one this reader cannot parse. */
async function readCardAccess(transmit: Transmit): Promise<PaceInfo[]> {
  try {
    return parseCardAccess(await readFile(plainChannel(transmit), CARD_ACCESS_FILE_ID));
  } catch (error) {
    if (error instanceof KioskError && error.code === 'card.unsupported') return [];
    throw error;
  }
}

/**
 * PACE with the CAN when the chip offers it (selecting the application under its secure
 * messaging), else BAC. A chip that refuses PACE (6982 in the field: facts.md §2.2) or our
 * token is tried with BAC when the MRZ data is there, since the CAN is only a convention.
 */
async function openChip(options: ReadDocumentOptions): Promise<CardChannel> {
  const { transmit, crypto, accessKey } = options;
  const can = options.can ?? canOf(accessKey);
  const paceInfos = can === null ? [] : await readCardAccess(transmit);
  if (can !== null && paceInfos.length > 0) {
    try {
      const channel = await authenticateWithPace(transmit, crypto, paceInfos, { can });
      await selectEmrtdApplication(channel);
      return channel;
    } catch (error) {
      if (!accessKey || !isPaceRefusal(error)) throw error;
    }
  } else if (!accessKey) {
    throw new KioskError('card.unsupported', { reason: 'noPace' });
  }
  await selectEmrtdApplication(plainChannel(transmit));
  return authenticateWithBac(transmit, crypto, accessKey);
}

export async function readDocument(options: ReadDocumentOptions): Promise<ChipDocument> {
  const channel = await openChip(options);

  const efCom = parseEfCom(await readFile(channel, FILE_ID.com));
  const sod = parseSod(await readFile(channel, FILE_ID.sod));
  // EF.COM is not signed: a group the SOD lists is read even if EF.COM leaves it out, so that
  // hiding a data group does not also hide it from the hash check.
  const present = new Set([...efCom.dataGroups, ...sod.dataGroupHashes.keys()]);
  if (!present.has(1)) throw new KioskError('card.unsupported', { reason: 'noDg1' });
  const files = new Map<number, Uint8Array>();
  for (const number of DATA_GROUPS_READ) {
    if (present.has(number)) files.set(number, await readFile(channel, FILE_ID.dataGroup(number)));
  }

  const passiveAuthentication = await options.passiveAuthentication.verify(sod, files);
  const dg13 = files.get(13);
  const dg2 = files.get(2);
  try {
    return {
      dataGroups: efCom.dataGroups,
      mrz: parseDg1(files.get(1)!),
      personalData: dg13 ? parseDg13(dg13) : null,
      face: dg2 ? parseDg2(dg2) : null,
      passiveAuthentication,
    };
  } catch (error) {
    // A data group changed after issue may no longer parse: that is an altered card, not an unsupported one.
    if (passiveAuthentication.outcome === 'altered' && error instanceof KioskError && error.code === 'card.unsupported') {
      throw new KioskError('card.altered', { dataGroups: passiveAuthentication.dataGroups.join(',') }, { cause: error });
    }
    throw error;
  }
}
