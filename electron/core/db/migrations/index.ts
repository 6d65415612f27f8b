import initial from './0001_initial';
import previewAnswers from './0002_preview_answers';
import packages from './0003_packages';
import exportValidations from './0004_export_validations';
import accuracyGate from './0005_accuracy_gate';
import remoteTargets from './0006_remote_targets';
import remoteExports from './0007_remote_exports';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Every schema change, in order. Append only: a released migration is never edited, a new one is added.
 * Kept as TypeScript modules (not loose .sql files) so the Electron bundle carries them without copying assets.
 */
export const migrations: Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'preview_answers', sql: previewAnswers },
  { version: 3, name: 'packages', sql: packages },
  { version: 4, name: 'export_validations', sql: exportValidations },
  { version: 5, name: 'accuracy_gate', sql: accuracyGate },
  { version: 6, name: 'remote_targets', sql: remoteTargets },
  { version: 7, name: 'remote_exports', sql: remoteExports },
];
