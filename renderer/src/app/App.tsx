import { useEffect } from 'react';
import { NoticeBar } from '../components/NoticeBar';
import { RemovalDialog } from '../components/RemovalDialog';
import { ToolchainBanner } from '../components/ToolchainBanner';
import { ExportPage } from '../pages/ExportPage';
import { ModelsPage } from '../pages/ModelsPage';
import { PlaygroundPage } from '../pages/PlaygroundPage';
import { SettingsPage } from '../pages/SettingsPage';
import { useApp } from '../store/context';
import { Sidebar } from './Sidebar';

export function App() {
  const page = useApp((s) => s.page);
  const loadModels = useApp((s) => s.loadModels);
  const checkToolchain = useApp((s) => s.checkToolchain);
  const loadCapabilities = useApp((s) => s.loadCapabilities);

  useEffect(() => {
    void loadModels();
    void checkToolchain();
    void loadCapabilities();
  }, [loadModels, checkToolchain, loadCapabilities]);

  return (
    <div className="app">
      <Sidebar />
      <main className="content">
        <ToolchainBanner />
        <NoticeBar />
        {page === 'models' ? (
          <ModelsPage />
        ) : page === 'exports' ? (
          <ExportPage />
        ) : page === 'settings' ? (
          <SettingsPage />
        ) : (
          <PlaygroundPage />
        )}
        <RemovalDialog />
      </main>
    </div>
  );
}
