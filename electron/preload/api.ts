import type { EdgepackApi } from '../contract';

/** `window.edgepack` in the desktop app: the contract plus what only a desktop shell can do. */
export interface DesktopApi extends EdgepackApi {
  readonly kind: 'electron';
  /** Opens the native "open file" dialog; resolves to the chosen path, or null when cancelled. */
  pickCheckpoint(): Promise<string | null>;
  /** Opens the native "choose folder" dialog (e.g. INT8 calibration images); null when cancelled. */
  pickFolder(title: string): Promise<string | null>;
}
