import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { detectHost } from './host';
import { connectEvents, createAppStore } from './store';
import { StoreProvider } from './store/context';
import './styles.css';

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
