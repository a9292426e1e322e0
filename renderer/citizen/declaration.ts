import type { Dossier } from '../../shared/dossier/dossier';
import { vietnamToday } from '../../shared/dossier/formEngine';
import { declarationDocument, type Procedure } from '../../shared/dossier/procedures';
import { host } from '../host';
import { replaceDocumentPages } from '../queue/drafts';

/**
 * The catalogue promises a declaration the kiosk fills from the answers ("Máy tự điền từ câu trả
 * lời của bạn"): the host fills it, dated today in Vietnam, and it goes into the draft as that
 * document's one PDF, in place of any made from earlier answers. Nothing for a procedure that asks
 * for no declaration. Rejects with the host's or the queue's KioskError.
 */
export async function attachDeclaration(draftId: string, procedure: Procedure, catalogueVersion: string, answers: Dossier['answers']): Promise<void> {
  if (!declarationDocument(procedure)) return;
  const { pdf, documentType } = await host().call('documents.declaration', { procedureCode: procedure.code, catalogueVersion, answers, date: vietnamToday() });
  await replaceDocumentPages(draftId, { documentType, mediaType: 'application/pdf', bytes: pdf });
}
