import { useEffect, useRef, useState } from 'react';
import { AT_COUNTER, type Step } from '../../../shared/dossier/formEngine';
import { toKioskError, type ErrorCode } from '../../../shared/errors';
import { useStore } from '../../store';
import { BigButton } from '../../ui/BigButton';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { useT } from '../../ui/useT';
import { cancelScan, digitise, LEGIBLE, movePage, removePage, retakePage, scanDocument, type DraftPage } from '../documents';
import type { FieldProps } from './FieldProps';

const NO_PAGES: readonly DraftPage[] = [];

/** A page's scan as an image; its object URL lives as long as the thumbnail. */
function Thumbnail({ page, label }: { page: DraftPage; label: string }) {
  const image = useRef<HTMLImageElement>(null);
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([page.jpeg], { type: 'image/jpeg' }));
    image.current!.src = url;
    return () => URL.revokeObjectURL(url);
  }, [page.jpeg]);
  return <img ref={image} className="scan-thumbnail" alt={label} width={page.width} height={page.height} />;
}

/**
 * A paper the procedure needs: scanned here, page by page, with each page shown as it arrives and
 * a warning where it is blank or hard to read; pages can be scanned again, moved and deleted. Or
 * handed in at the counter instead. The answer is the number of pages, or AT_COUNTER.
 */
export function DocumentField({ step, value, onChange, inputId, describedBy, invalid }: FieldProps<Extract<Step, { type: 'document' }>>) {
  const t = useT();
  const pages = useStore((state) => state.pages[step.document] ?? NO_PAGES);
  const [scanId, setScanId] = useState<string | null>(null);
  const [error, setError] = useState<ErrorCode | null>(null);
  const atCounter = value === AT_COUNTER;
  const busy = scanId !== null;

  // The answer follows the pages; the host starts reading them once a scan is over.
  useEffect(() => {
    if (atCounter) return;
    onChange(pages.length || '');
    if (pages.length && !busy) void digitise(step.document);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- onChange is a new function each render
  }, [pages, busy, atCounter, step.document]);

  // Leaving the screen stops a scan under way; the pages that came stay.
  const running = useRef<string | null>(null);
  useEffect(() => () => void (running.current && cancelScan(running.current)), []);

  /** Runs one scan or page change; a failure is shown, a cancel is not. */
  const act = async (work: (id: string) => Promise<unknown>) => {
    const id = crypto.randomUUID();
    running.current = id;
    setScanId(id);
    setError(null);
    try {
      await work(id);
    } catch (failure) {
      const { code } = toKioskError(failure);
      if (code !== 'scanner.cancelled') setError(code);
    } finally {
      running.current = null;
      setScanId(null);
    }
  };

  return (
    <div className="document-field">
      {!atCounter && (
        <>
          <p id={`${inputId}-how`}>{t('scan.instructions')}</p>
          <div className="scan-actions">
            {busy ? (
              <>
                <p className="scan-progress" role="status">
                  {t('scan.scanning', { count: pages.length })}
                </p>
                <BigButton variant="secondary" onClick={() => void cancelScan(scanId)}>
                  {t('scan.stop')}
                </BigButton>
              </>
            ) : (
              <BigButton id={inputId} aria-describedby={`${inputId}-how ${describedBy}`} onClick={() => void act((id) => scanDocument(step.document, id))}>
                {pages.length ? t('scan.more') : t('scan.start')}
              </BigButton>
            )}
          </div>
          <ErrorAlert code={error} />
          {pages.length > 0 && (
            <ol className="scan-pages" aria-label={t('review.pages', { count: pages.length })}>
              {pages.map((page, index) => {
                const number = index + 1;
                const label = t('scan.page', { number });
                const warning = page.blank ? t('scan.blank') : page.legibility < LEGIBLE ? t('scan.unclear') : null;
                return (
                  <li key={page.attachmentId} className={`scan-page${warning ? ' warn' : ''}`}>
                    <Thumbnail page={page} label={label} />
                    <p className="scan-page-name">{label}</p>
                    {warning && <p className="scan-warning">{warning}</p>}
                    <div className="scan-page-actions">
                      <BigButton variant="secondary" disabled={busy} aria-label={t('scan.retakeLabel', { number })} onClick={() => void act((id) => retakePage(step.document, page.attachmentId, id))}>
                        {t('scan.retake')}
                      </BigButton>
                      <BigButton variant="secondary" disabled={busy || index === 0} aria-label={t('scan.moveUpLabel', { number })} onClick={() => void act(() => movePage(step.document, page.attachmentId, -1))}>
                        {t('scan.moveUp')}
                      </BigButton>
                      <BigButton variant="secondary" disabled={busy || number === pages.length} aria-label={t('scan.moveDownLabel', { number })} onClick={() => void act(() => movePage(step.document, page.attachmentId, 1))}>
                        {t('scan.moveDown')}
                      </BigButton>
                      <BigButton variant="secondary" disabled={busy} aria-label={t('scan.deleteLabel', { number })} onClick={() => void act(() => removePage(step.document, page.attachmentId))}>
                        {t('scan.delete')}
                      </BigButton>
                    </div>
                  </li>
                );
              })}
            </ol>
          )}
        </>
      )}
      <label className="choice">
        <input
          type="checkbox"
          checked={atCounter}
          disabled={pages.length > 0 || busy}
          aria-describedby={pages.length ? `${inputId}-counter` : describedBy}
          aria-invalid={invalid}
          onChange={(event) => onChange(event.target.checked ? AT_COUNTER : '')}
        />
        <span>{t('field.document.atCounter')}</span>
      </label>
      {pages.length > 0 && <p id={`${inputId}-counter`}>{t('scan.counterNeedsNoPages')}</p>}
    </div>
  );
}
