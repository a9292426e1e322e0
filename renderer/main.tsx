import '@fontsource/noto-sans/400.css';
import '@fontsource/noto-sans/700.css';
import './ui/tokens.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createI18n } from '../shared/i18n/index';
import { App } from './App';
import { startQueue } from './queue/syncLoop';

const i18n = createI18n();
startQueue();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App />
    </I18nextProvider>
  </StrictMode>,
);
