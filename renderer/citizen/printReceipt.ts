import type { Dossier } from '../../shared/dossier/dossier';
import type { CompiledForm } from '../../shared/dossier/formEngine';
import type { Procedure } from '../../shared/dossier/procedures';
import { receiptData, receiptKiosk } from '../../shared/dossier/receiptData';
import { host } from '../host';

/**
 * Prints a saved dossier's receipt on the kiosk's printer: stage 1 until the portal has it, stage 2
 * (with its MaHoSo) after. For the citizen's screen and the helper's reprint alike.
 */
export async function printReceipt(saved: { dossier: Dossier; procedure: Procedure; form: CompiledForm }): Promise<void> {
  const kiosk = receiptKiosk(await host().call('app.info'));
  await host().call('printer.print', receiptData({ ...saved, kiosk }));
}
