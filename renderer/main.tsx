import '@fontsource/noto-sans/400.css';
import '@fontsource/noto-sans/700.css';
import './ui/tokens.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { provinces } from '../shared/adminUnits';
import { createI18n } from '../shared/i18n/index';
import { App } from './App';
import { catalogue, refreshCatalogue } from './catalogue';
import { auditAssistedSteps } from './helper/helperSession';
import { startQueue } from './queue/syncLoop';
import { ErrorBoundary } from './shell/ErrorBoundary';
import { lockDownPage } from './shell/lockdown';

const i18n = createI18n();
lockDownPage();
startQueue();
auditAssistedSteps();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      {/* Every screen, the helper's desk and the setup wizard included: a render error starts the kiosk over. */}
      <ErrorBoundary>
        <App />
      </ErrorBoundary>
    </I18nextProvider>
  </StrictMode>,
);
// The catalogue and the administrative units are parsed at first use: bring that forward to the
// first idle moment after the attract screen is up, so neither that screen (P1) nor a tap waits.
// A newer catalogue the province sent earlier is taken then too.
requestIdleCallback(() => [catalogue(), provinces(), refreshCatalogue().catch(() => undefined)], { timeout: 2_000 });
