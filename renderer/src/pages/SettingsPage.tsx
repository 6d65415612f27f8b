import { ComputeTargets } from '../components/settings/ComputeTargets';

/** Settings that hold across models: where exports can run. */
export function SettingsPage() {
  return (
    <div className="page settings">
      <header className="page-header">
        <div>
          <h1>Settings</h1>
        </div>
      </header>
      <ComputeTargets />
    </div>
  );
}
