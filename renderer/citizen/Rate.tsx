import { useEffect, useState } from 'react';
import type { MessageKey } from '../../shared/i18n/index';
import { recordRating } from '../queue/ratings';
import { syncNow } from '../queue/syncLoop';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { endSession } from './session';

/**
 * The four levels one-stop software asks with (facts.md §4.5, Decision 766), on the portal's 1–5
 * `Rating.score`, read as the usual Vietnamese five-level scale: 5 rất hài lòng, 4 hài lòng,
 * 3 bình thường, 2 không hài lòng, 1 rất không hài lòng. The kiosk does not offer 1, so each level
 * keeps its meaning on the portal. `mouth` bends the face's smile: up for pleased, down for not.
 */
const LEVELS: readonly { score: number; label: MessageKey; mouth: number }[] = [
  { score: 5, label: 'rating.veryHappy', mouth: 18 },
  { score: 4, label: 'rating.happy', mouth: 9 },
  { score: 3, label: 'rating.neutral', mouth: 0 },
  { score: 2, label: 'rating.unhappy', mouth: -12 },
];

/** Long enough to read the thanks, short enough that the next citizen finds the start screen. */
const THANKS_MS = 5000;

/** A plain face; the button's text names the level, so the drawing is hidden from screen readers. */
function Face({ mouth }: { mouth: number }) {
  return (
    <svg className="face" viewBox="0 0 100 100" width={88} height={88} aria-hidden="true" focusable="false">
      <circle cx={50} cy={50} r={44} fill="none" stroke="currentColor" strokeWidth={6} />
      <circle cx={35} cy={40} r={6} fill="currentColor" />
      <circle cx={65} cy={40} r={6} fill="currentColor" />
      <path d={`M 30 ${66 - mouth / 2} Q 50 ${66 + mouth} 70 ${66 - mouth / 2}`} fill="none" stroke="currentColor" strokeWidth={6} strokeLinecap="round" />
    </svg>
  );
}

/** "Bạn có hài lòng…?" after the receipt: one touch to rate, or skip; then thanks and back to the start. */
export function Rate() {
  const t = useT();
  const dossierId = useStore((state) => state.saved?.id);
  const [done, setDone] = useState<'rated' | 'skipped' | null>(null);
  const [recording, setRecording] = useState(false);
  useEffect(() => {
    if (!done) return;
    const timer = window.setTimeout(endSession, THANKS_MS);
    return () => window.clearTimeout(timer);
  }, [done]);

  const rate = async (score: number) => {
    setRecording(true);
    try {
      await recordRating({ score, ...(dossierId ? { dossierId } : {}) });
      syncNow();
    } catch {
      // A rating the queue could not keep is lost; the citizen is thanked all the same, not kept waiting.
    }
    setDone('rated');
  };

  if (done) {
    return (
      <Screen title={t(done === 'rated' ? 'rating.thanks' : 'rating.goodbye')} actions={<BigButton onClick={endSession}>{t('nav.home')}</BigButton>}>
        <p>{t('rating.autoHome')}</p>
      </Screen>
    );
  }
  return (
    <Screen
      title={t('rating.title')}
      actions={
        <BigButton variant="secondary" disabled={recording} onClick={() => setDone('skipped')}>
          {t('rating.skip')}
        </BigButton>
      }
    >
      <div className="rating-levels">
        {LEVELS.map(({ score, label, mouth }) => (
          <BigButton key={score} variant="secondary" className="rating-level" disabled={recording} onClick={() => void rate(score)}>
            <Face mouth={mouth} />
            <span>{t(label)}</span>
          </BigButton>
        ))}
      </div>
    </Screen>
  );
}
