import { useEffect, useRef, useState } from 'react';
import { speechText } from '../../shared/speechText';
import { host } from '../host';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { useT } from '../ui/useT';

type Reading = 'idle' | 'loading' | 'playing' | 'paused';

/**
 * What a screen says: its main region as a sighted citizen reads it, heading first, without the
 * on-screen keyboard's keys (its text is one contiguous run of the region's text).
 */
function screenText(): string {
  const main = document.querySelector<HTMLElement>('main');
  if (!main) return '';
  let text = main.innerText;
  for (const keyboard of main.querySelectorAll<HTMLElement>('.keyboard')) text = text.replace(keyboard.innerText, '');
  return text.trim();
}

/**
 * Reads the screen aloud, offline (quality target A3): the host speaks it with espeak-ng and the
 * page plays the WAV, so pause and repeat are here. ID and phone numbers are said as "số đã được
 * ẩn" unless the citizen asks to hear them (someone may stand behind them). A new screen stops it.
 */
export function ReadAloud() {
  const t = useT();
  const locale = useStore((state) => state.locale);
  const screen = useStore((state) => `${state.route}:${state.progress?.current ?? ''}`);
  const [reading, setReading] = useState<Reading>('idle');
  const [withNumbers, setWithNumbers] = useState(false);
  const audio = useRef<HTMLAudioElement | null>(null);
  // Counts readings and stops: a reading whose voice comes back after the screen moved on, or after
  // a newer reading started, is not played, and its failure does not stop the newer one.
  const latest = useRef(0);

  const stop = () => {
    latest.current += 1;
    const playing = audio.current;
    audio.current = null;
    if (playing) {
      playing.pause();
      URL.revokeObjectURL(playing.src);
    }
    setReading('idle');
  };
  // A new screen, or the citizen's data going (the session ends), ends the reading of the old one.
  useEffect(() => stop, [screen]);

  const read = async () => {
    stop();
    const mine = latest.current;
    const text = speechText(screenText(), { placeholder: t('speech.numberHidden'), allowIdNumbers: withNumbers });
    if (!text) return;
    setReading('loading');
    try {
      const { wav } = await host().call('speech.say', { text: text.slice(0, 4000), lang: locale });
      if (mine !== latest.current) return;
      const player = new Audio(URL.createObjectURL(new Blob([wav], { type: 'audio/wav' })));
      player.onended = stop;
      audio.current = player;
      await player.play();
      setReading('playing');
    } catch {
      // A kiosk without a voice, or a reading the host stopped for a newer one: nothing to play.
      if (mine === latest.current) stop();
    }
  };
  const pause = () => {
    audio.current?.pause();
    setReading('paused');
  };
  const resume = () => {
    void audio.current?.play();
    setReading('playing');
  };

  return (
    <div className="read-aloud" role="group" aria-label={t('speech.read')}>
      {reading === 'playing' ? (
        <BigButton variant="secondary" onClick={pause}>
          {t('speech.pause')}
        </BigButton>
      ) : reading === 'paused' ? (
        <BigButton variant="secondary" onClick={resume}>
          {t('speech.resume')}
        </BigButton>
      ) : (
        <BigButton variant="secondary" disabled={reading === 'loading'} onClick={() => void read()}>
          {reading === 'loading' ? t('speech.loading') : t('speech.read')}
        </BigButton>
      )}
      {reading !== 'idle' && (
        <BigButton variant="secondary" onClick={() => void read()}>
          {t('speech.repeat')}
        </BigButton>
      )}
      <label className="read-numbers">
        <input type="checkbox" checked={withNumbers} onChange={(event) => setWithNumbers(event.target.checked)} />
        {t('speech.withNumbers')}
      </label>
    </div>
  );
}
