/** IPC names that exist only between main and preload (the contract's channels are used as they are). */
export const EVENT_CHANNEL = 'edgepack:event';
export const PICK_CHECKPOINT_CHANNEL = 'app:pickCheckpoint';
export const PICK_FOLDER_CHANNEL = 'app:pickFolder';
