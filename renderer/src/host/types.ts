import type { EdgepackApi } from '../../../electron/contract';

/** How the renderer reaches the core: the Electron bridge or the web harness. */
export interface Host extends EdgepackApi {
  readonly kind: 'electron' | 'web';
  /** A native file dialog, where the host has one; otherwise the page's own file input is used. */
  pickCheckpoint?: () => Promise<string | null>;
  /** A native folder dialog (Electron); null when cancelled. */
  pickFolder?: (title: string) => Promise<string | null>;
  /** Hands several files to the core as one folder (web harness: uploads them into one folder on its disk). */
  filesToFolder?: (files: File[]) => Promise<string>;
  /** The host can open a folder in the system file manager (the web harness can only show the path). */
  readonly canReveal: boolean;
  /** One format's file of an export: shown in the file manager (Electron) or downloaded (web harness). */
  showExportFile(id: string, format: string): Promise<void>;
  /** Called after the event stream reconnected (web harness): events may have been missed, so reload. */
  onReconnect?: (listener: () => void) => () => void;
}
