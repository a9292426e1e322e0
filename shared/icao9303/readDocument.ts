import { KioskError } from '../errors';
import { plainChannel, type Transmit } from './apdu';
import { authenticateWithBac } from './bac';
import type { Icao9303Crypto } from './crypto';
import { parseDg13, type Dg13 } from './dg13';
import { parseDg2, type FaceImage } from './dg2';
import { FILE_ID, readFile, selectEmrtdApplication } from './files';
import { parseDg1, parseEfCom, type Td1Mrz } from './lds';
import type { MrzAccessKey } from './mrz';
import { parseSod, type PassiveAuthentication, type PassiveAuthenticationResult } from './sod';

/**
 * The whole chip read of a CCCD (Doc 9303-11 §4 and §5.1; facts.md §2): select the eMRTD
 * application, open it with BAC, read EF.COM, EF.SOD and the data groups the kiosk uses, and
 * check them by passive authentication. Pure: the reader, the crypto and the certificates come in.
 *
 * Errors are the steps' own: `card.wrongMrz` when BAC is refused, `card.badMac` when an answer
 * was changed on the way, `card.unsupported` for anything the kiosk cannot read or verify, and
 * `card.altered` when a data group that fails its hash does not even parse.
 */

export interface ReadDocumentOptions {
  transmit: Transmit;
  crypto: Icao9303Crypto;
  accessKey: MrzAccessKey;
  passiveAuthentication: PassiveAuthentication;
}

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

export async function readDocument(options: ReadDocumentOptions): Promise<ChipDocument> {
  const { transmit } = options;
  await selectEmrtdApplication(plainChannel(transmit));
  const channel = await authenticateWithBac(transmit, options.crypto, options.accessKey);

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
