import { useEffect, useId } from 'react';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { useT } from '../ui/useT';
import { textSizes } from './sessionSlice';

/**
 * Text size up to 200 % and a high-contrast theme (quality target A6), for the citizen at the
 * kiosk now: endSession puts the default look back for the next one.
 */
export function DisplaySettings() {
  const t = useT();
  const { textSize, setTextSize, highContrast, setHighContrast } = useStore();
  const sizeLabel = useId();

  // On the page's root, where tokens.css reads them: --text-scale multiplies the root font size and
  // every length that grows with the text; data-contrast swaps the palette. Set through the CSSOM,
  // which the renderer's CSP (no inline styles) allows.
  useEffect(() => {
    document.documentElement.style.setProperty('--text-scale', String(textSize / 100));
  }, [textSize]);
  useEffect(() => {
    if (highContrast) document.documentElement.dataset.contrast = 'high';
    else delete document.documentElement.dataset.contrast;
  }, [highContrast]);

  return (
    <div className="display-settings" role="group" aria-label={t('display.label')}>
      <div className="text-sizes" role="group" aria-labelledby={sizeLabel}>
        <span id={sizeLabel}>{t('display.textSize')}</span>
        {textSizes.map((size) => (
          <BigButton key={size} variant="secondary" aria-pressed={textSize === size} onClick={() => setTextSize(size)}>
            {t(`display.size.${size}`)}
          </BigButton>
        ))}
      </div>
      <BigButton variant="secondary" aria-pressed={highContrast} onClick={() => setHighContrast(!highContrast)}>
        {t('display.highContrast')}
      </BigButton>
    </div>
  );
}
