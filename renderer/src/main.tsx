import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { detectHost } from './host';
import { connectEvents, createAppStore } from './store';
import { StoreProvider } from './store/context';
// One sheet per area, in this order (later sheets rely on coming after the shared ones); deploy.css comes with its section.
import './styles/base.css';
import './styles/shell.css';
import './styles/form-defaults.css';
import './styles/controls.css';
import './styles/models.css';
import './styles/exports.css';
import './styles/export-summary.css';
import './styles/wizard.css';
import './styles/playground.css';
import './styles/settings.css';

// A file dropped anywhere but the drop zone must not make the window navigate to it.
for (const type of ['dragover', 'drop'] as const)
  window.addEventListener(type, (event) => event.preventDefault());

const host = detectHost();
const store = createAppStore(host);
connectEvents(store, host);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
