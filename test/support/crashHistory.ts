import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { Dossier } from '../../shared/dossier/dossier';
import { canonicalJson, dossierPackage } from '../../shared/dossier/portalPackage';
import { assembleCatalogue } from '../../shared/dossier/procedures';
import type { DossierRow } from '../../scripts/reference-portal/store';
import { openRawRows, rawQueueRows, type RawRow } from './queue';
import { openHelperQueue } from './helper';

/**
 * The history and checker of the crash-safety and network-fault tests (test/e2e/crashSafety.test.ts,
 * test/e2e/networkFaults.test.ts), in the manner of Jepsen: the page reports each step of save and
 * sync as it happens (an init script wraps the host calls and the IndexedDB writes), the nemesis
 * records each fault it injects, and after the chaos the checker holds the final state of the portal
 * and of the kiosk's IndexedDB against every reference the UI confirmed.
 */

/** One step the page reported; `t` is the page's wall clock (ms since the epoch, sub-ms). */
export type PageEvent =
  | { op: 'call'; method: string; id: number; phase: 'start' | 'end' | 'error'; ok?: boolean; t: number; doc: string }
  | { op: 'tx'; label: TxLabel; dossier: string; id: number; phase: 'start' | 'commit' | 'abort'; t: number; doc: string }
  | { op: 'shown'; ref: string; t: number; doc: string };
export type TxLabel = 'startDraft' | 'editDraft' | 'markReady' | 'submitDraft' | 'save' | 'markAnnounced' | 'markUploaded' | 'markAccepted' | 'markRetry' | 'markNeedsHelp';

export const CONSOLE_TAG = '[crash] ';

/**
 * Runs in the kiosk page before its own scripts. Reports, as console lines:
 * - every host call (`/host/call/<method>`): start, end (with the reply's `ok`) or network error;
 * - every IndexedDB write of a dossier: `add` is the save, `put` is one of the outbox marks
 *   (told apart by the row written); start, then commit or abort of its transaction;
 * - every reference shown on "Đã lưu" (the DOM node `saved-reference`).
 */
export function pageInstrumentation(tag: string): void {
  const doc = Math.random().toString(36).slice(2, 8);
  const now = () => performance.timeOrigin + performance.now();
  const emit = (event: Record<string, unknown>) => console.debug(tag + JSON.stringify({ ...event, t: now(), doc }));
  let next = 0;

  const originalFetch = window.fetch;
  window.fetch = function (this: unknown, ...args: Parameters<typeof fetch>) {
    const [input] = args;
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const match = /\/host\/call\/([^?#]+)/.exec(url);
    if (!match) return originalFetch.apply(this, args);
    const method = decodeURIComponent(match[1]!);
    const id = ++next;
    emit({ op: 'call', method, id, phase: 'start' });
    return originalFetch.apply(this, args).then(
      async (response) => {
        let ok: boolean | undefined;
        try {
          // The reply is a frame (shared/frame.ts); `ok` is in its JSON, which needs no parts.
          const frame = new DataView(await response.clone().arrayBuffer());
          const head = JSON.parse(new TextDecoder().decode(new Uint8Array(frame.buffer, 4, frame.getUint32(0)))) as { value?: { ok?: boolean } };
          ok = head.value?.ok;
        } catch {
          ok = undefined;
        }
        emit({ op: 'call', method, id, phase: 'end', ok });
        return response;
      },
      (error: unknown) => {
        emit({ op: 'call', method, id, phase: 'error' });
        throw error;
      },
    );
  };

  type Row = { id?: string; status?: string; sync?: { lastAttemptAt?: string | null; uploaded?: unknown[] } };
  /** Pages marked uploaded, and the status, in the last write of each dossier this page made or saw. */
  const uploaded = new Map<string, number>();
  const statuses = new Map<string, string | undefined>();
  const label = (kind: 'add' | 'put', row: Row) => {
    const pages = row.sync?.uploaded?.length ?? 0;
    const more = pages > (uploaded.get(String(row.id)) ?? pages);
    uploaded.set(String(row.id), pages);
    const before = statuses.get(String(row.id));
    statuses.set(String(row.id), row.status);
    // The citizen's submit goes through the session's draft (renderer/queue/drafts.ts).
    if (row.status === 'draft') return kind === 'add' ? 'startDraft' : 'editDraft';
    if (row.status === 'ready') return 'markReady';
    if (before === 'ready') return 'submitDraft';
    if (kind === 'add') return 'save';
    if (row.status === 'accepted') return 'markAccepted';
    if (row.status === 'needsHelp') return 'markNeedsHelp';
    if (more) return 'markUploaded';
    // markRetry stamps lastAttemptAt with the time of the write; markAnnounced leaves it alone.
    const at = row.sync?.lastAttemptAt ? Date.parse(row.sync.lastAttemptAt) : 0;
    return Date.now() - at < 1_000 ? 'markRetry' : 'markAnnounced';
  };
  const wrap = (kind: 'add' | 'put') => {
    const original = IDBObjectStore.prototype[kind];
    IDBObjectStore.prototype[kind] = function (this: IDBObjectStore, ...args: Parameters<typeof original>) {
      const request = original.apply(this, args);
      if (this.name === 'dossiers') {
        const row = (args[0] ?? {}) as Row;
        const event = { op: 'tx', label: label(kind, row), dossier: String(row.id ?? '').slice(0, 8).toUpperCase(), id: ++next };
        emit({ ...event, phase: 'start' });
        this.transaction.addEventListener('complete', () => emit({ ...event, phase: 'commit' }));
        this.transaction.addEventListener('abort', () => emit({ ...event, phase: 'abort' }));
      }
      return request;
    };
  };
  wrap('add');
  wrap('put');

  const seen = new Set<string>();
  const look = () => {
    const ref = document.querySelector('[data-testid="saved-reference"]')?.textContent?.match(/[0-9A-F]{8}$/)?.[0];
    if (ref && !seen.has(ref)) {
      seen.add(ref);
      emit({ op: 'shown', ref });
    }
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true });
}

export function parsePageEvent(text: string): PageEvent | null {
  return text.startsWith(CONSOLE_TAG) ? (JSON.parse(text.slice(CONSOLE_TAG.length)) as PageEvent) : null;
}

/** What the kiosk's pages reported: every step, and each reference shown on "Đã lưu" with when it first was. */
export class PageHistory {
  readonly events: PageEvent[] = [];
  readonly confirmed = new Map<string, number>();

  /** Instruments `page` before its own scripts run (also after reloads) and records its reports. */
  async watch(page: Page): Promise<void> {
    await page.addInitScript(pageInstrumentation, CONSOLE_TAG);
    page.on('console', (message) => {
      const event = parsePageEvent(message.text());
      if (!event) return;
      this.events.push(event);
      if (event.op === 'shown' && !this.confirmed.has(event.ref)) this.confirmed.set(event.ref, event.t);
    });
  }
}

/**
 * Where a kill landed: the save/sync steps in flight at that instant (started, not finished), or
 * when none was, the last step finished before it ("after …").
 */
export function killPoint(events: readonly PageEvent[], at: number): string {
  // Only the last page that reported before the kill: older ones are gone, with their steps.
  const doc = events.filter((event) => event.t <= at).at(-1)?.doc;
  const before = events.filter((event): event is Exclude<PageEvent, { op: 'shown' }> => event.t <= at && event.doc === doc && event.op !== 'shown');
  const open = new Map<string, string>();
  for (const event of before) {
    const key = `${event.doc}:${event.op}:${event.id}`;
    const name = event.op === 'call' ? `call ${event.method}` : event.op === 'tx' ? `tx ${event.label}` : '';
    if (event.phase === 'start') open.set(key, name);
    else open.delete(key);
  }
  if (open.size > 0) return `during ${[...new Set(open.values())].sort().join(' + ')}`;
  const last = before.at(-1);
  if (!last) return 'idle (no save or sync step yet in this page)';
  return last.op === 'call'
    ? `after call ${last.method} ${last.phase === 'end' ? (last.ok ? 'ok' : 'failed') : 'network error'}`
    : `after tx ${last.label} ${last.phase}`;
}

/** The catalogue as the renderer bundles it, read from assets/ (for the package hash). */
function loadCatalogue(root: string) {
  const dir = path.join(root, 'assets/procedures');
  const read = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as unknown;
  const files = readdirSync(dir).filter((file) => file.endsWith('.json') && file !== 'index.json');
  return assembleCatalogue(read('index.json'), files.map(read));
}

/** sha-256 of the package's canonical JSON, as renderer/queue/outbox.ts computes it. */
export function packageHasher(root: string): (dossier: Dossier) => string {
  const catalogue = loadCatalogue(root);
  return (dossier) => {
    const procedure = catalogue.procedures.find((candidate) => candidate.code === dossier.procedureCode);
    return createHash('sha256').update(canonicalJson(dossierPackage(dossier, procedure))).digest('hex');
  };
}

export interface SettledState {
  /** The kiosk's queue, opened with its vault key. */
  kiosk: Dossier[];
  portal: DossierRow[];
  /** Rows the helper's queue screen shows as received by the portal ("Cổng đã nhận, mã …"). */
  acceptedOnScreen: number;
}

/**
 * The end of a chaos run, on a page at the start screen: waits until every queued row is accepted
 * or with the helper (calling `nudge` before each look, when given), then reads the final state of
 * the kiosk (IndexedDB, opened with the vault key in `dataDir`), of the portal, and of the helper's
 * queue screen.
 */
/**
 * Whether a row was submitted: a draft, or one marked ready, never reached "Đã lưu" and is not for
 * the sync; a crash mid-session leaves it for discardAbandonedDrafts (renderer/queue/drafts.ts).
 */
export const submittedRow = ({ row }: { row: RawRow }): boolean => row.status !== 'draft' && row.status !== 'ready';

export async function settledState(options: {
  page: Page;
  dataDir: string;
  portal: { dossiers(limit?: number): DossierRow[] };
  nudge?: () => Promise<void>;
  /** Read when the queue does not settle, to say where it stuck. */
  history?: PageHistory;
}): Promise<SettledState> {
  const { page } = options;
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor();
  const submitted = async () => (await rawQueueRows(page)).filter(submittedRow);
  const unsettled = async () => (await submitted()).filter(({ row }) => row.status !== 'accepted' && row.status !== 'needsHelp');
  const settled = async () => {
    await options.nudge?.();
    return (await unsettled()).length === 0;
  };
  try {
    await expect.poll(settled, { timeout: 60_000, interval: 500 }).toBe(true);
  } catch (error) {
    throw new Error(`the queue did not settle in 60 s:\n${stuckReport((await unsettled()).map(({ row }) => row), options.history?.events ?? [])}`, { cause: error });
  }
  const kiosk = await openRawRows((await submitted()).map(({ row }) => row), readFileSync(path.join(options.dataDir, 'vault.key')));
  // All of them: without a limit the store returns the latest 200, for its admin page.
  const portal = options.portal.dossiers(Number.MAX_SAFE_INTEGER);

  await openHelperQueue(page);
  const rows = page.getByTestId('queue-list').getByRole('listitem');
  await expect.poll(() => rows.count()).toBe(kiosk.length);
  const acceptedOnScreen = (await rows.allTextContents()).filter((text) => /Cổng đã nhận, mã /.test(text)).length;
  return { kiosk, portal, acceptedOnScreen };
}

/** The rows still to send and the page's last steps: which call or transaction the sync hung on. */
function stuckReport(rows: readonly RawRow[], events: readonly PageEvent[]): string {
  const lines = rows.map(({ id, status, sync }) => `  row ${id.slice(0, 8)} ${status}: ${sync.attempts} attempts, last error ${sync.lastError ?? 'none'} at ${sync.lastAttemptAt ?? 'never'}`);
  const steps = events.filter((event): event is Exclude<PageEvent, { op: 'shown' }> => event.op !== 'shown');
  const open = new Map<string, (typeof steps)[number]>();
  for (const event of steps) {
    const key = `${event.doc}:${event.op}:${event.id}`;
    if (event.phase === 'start') open.set(key, event);
    else open.delete(key);
  }
  const describe = (event: (typeof steps)[number]) =>
    `  ${new Date(event.t).toISOString()} ${event.op === 'call' ? `call ${event.method}` : `tx ${event.label} ${event.dossier}`} ${event.phase}${event.op === 'call' && event.phase === 'end' ? ` ok=${String(event.ok)}` : ''}`;
  return [...lines, 'still open:', ...[...open.values()].map(describe), 'last steps:', ...steps.slice(-15).map(describe)].join('\n');
}

export interface CheckInput {
  /** Every reference the UI showed on "Đã lưu" (8 upper-case hex digits). */
  confirmed: readonly string[];
  kiosk: readonly Dossier[];
  portal: readonly DossierRow[];
  hash: (dossier: Dossier) => string;
}

/** The invariants of targets R1 and R2. Returns the violations, one line each; none means the history is good. */
export function checkHistory({ confirmed, kiosk, portal, hash }: CheckInput): string[] {
  const problems: string[] = [];
  const byUuid = new Map<string, DossierRow[]>();
  for (const row of portal) byUuid.set(row.uuid, [...(byUuid.get(row.uuid) ?? []), row]);
  for (const [uuid, rows] of byUuid) if (rows.length > 1) problems.push(`duplicate: uuid ${uuid} is ${rows.length} times at the portal`);
  const codes = new Map<string, string[]>();
  for (const row of portal) if (row.maHoSo) codes.set(row.maHoSo, [...(codes.get(row.maHoSo) ?? []), row.uuid]);
  for (const [code, uuids] of codes) if (uuids.length > 1) problems.push(`duplicate: maHoSo ${code} given to ${uuids.join(', ')}`);
  for (const row of portal) {
    if (row.uuid !== row.uuid.toLowerCase()) problems.push(`portal uuid ${row.uuid} is not lower-case`);
    if (!row.maHoSo) problems.push(`portal holds ${row.uuid} announced but never submitted`);
  }

  const kioskById = new Map(kiosk.map((dossier) => [dossier.id.toLowerCase(), dossier]));
  for (const row of portal) {
    if (!kioskById.has(row.uuid)) problems.push(`phantom: portal holds ${row.uuid}, which the kiosk's IndexedDB does not`);
  }

  for (const ref of new Set(confirmed)) {
    const prefix = ref.toLowerCase();
    const atPortal = portal.filter((row) => row.uuid.startsWith(prefix));
    const inKiosk = kiosk.filter((dossier) => dossier.id.toLowerCase().startsWith(prefix));
    if (inKiosk.length === 0) problems.push(`LOST in kiosk: ${ref} was confirmed "Đã lưu" but is not in IndexedDB`);
    if (atPortal.length === 0) problems.push(`LOST at portal: ${ref} was confirmed "Đã lưu" but never reached the portal`);
    if (atPortal.length > 1) problems.push(`duplicate: ${ref} is ${atPortal.length} times at the portal (${atPortal.map((row) => row.uuid).join(', ')})`);
    if (inKiosk.length > 1) problems.push(`${ref} matches ${inKiosk.length} dossiers in IndexedDB`);
    const dossier = inKiosk[0];
    const row = atPortal[0];
    if (dossier && dossier.status !== 'accepted') problems.push(`${ref} is "${dossier.status}" in the kiosk (lastError ${dossier.sync.lastError}), not accepted`);
    if (dossier && row) {
      if (!dossier.portal) problems.push(`${ref}: the kiosk has no receipt, the portal gave ${row.maHoSo}`);
      else if (dossier.portal.maHoSo !== row.maHoSo) problems.push(`${ref}: the kiosk holds maHoSo ${dossier.portal.maHoSo}, the portal ${row.maHoSo}`);
      if (row.packageSha256 !== hash(dossier)) problems.push(`${ref}: the portal's package hash differs from the kiosk's dossier`);
    }
  }

  // Dossiers saved but not confirmed (killed between commit and "Đã lưu") must still go exactly once.
  for (const dossier of kiosk) {
    const row = byUuid.get(dossier.id.toLowerCase())?.[0];
    if (dossier.status !== 'accepted') problems.push(`stuck: ${dossier.id} is "${dossier.status}" in the kiosk (lastError ${dossier.sync.lastError})`);
    else if (!row) problems.push(`${dossier.id} is accepted in the kiosk (maHoSo ${dossier.portal?.maHoSo}) but the portal does not hold it`);
  }
  return problems;
}
