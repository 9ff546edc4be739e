import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { startLanguage } from './lib/language';
import { startTheme } from './lib/theme';
import './styles.css';
import './pwa/register-service-worker';

startTheme();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
// The loading frame stays until the language's texts are here: no page shows in a language and then another.
void startLanguage().then(() =>
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
