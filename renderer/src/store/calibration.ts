import { toErrorShape } from '../host';
import { looksLikeImage } from '../lib/image-files';
import type { CalibrationSlice, SliceContext } from './types';

const EMPTY = { calibDir: '', calibImages: null, calibBusy: false, calibError: null } as const;

/** The wizard's INT8 calibration folder: typed, picked in a native dialog (desktop) or uploaded (web harness). */
export function createCalibrationSlice({ set, host }: SliceContext): CalibrationSlice {
  return {
    ...EMPTY,
    canPickFolder: Boolean(host.pickFolder),
    canUploadFolder: Boolean(host.filesToFolder),

    setCalibDir: (calibDir) => set({ calibDir, calibImages: null, calibError: null }),
    resetCalibration: () => set(EMPTY),

    async pickCalibrationFolder() {
      if (!host.pickFolder) return;
      try {
        const picked = await host.pickFolder('Choose a folder of calibration images');
        if (picked) set({ calibDir: picked, calibImages: null, calibError: null });
      } catch (error) {
        set({ calibError: toErrorShape(error) });
      }
    },

    async uploadCalibrationImages(files) {
      if (!host.filesToFolder) return;
      const images = files.filter((f) => looksLikeImage(f.name));
      if (images.length === 0) {
        set({
          calibError: {
            code: 'NO_IMAGES',
            message: 'None of the chosen files is an image.',
            hint: 'Choose .jpg or .png images like the ones the model will see.',
          },
        });
        return;
      }
      set({ calibBusy: true, calibError: null });
      try {
        set({ calibDir: await host.filesToFolder(images), calibImages: images.length });
      } catch (error) {
        set({ calibError: toErrorShape(error) });
      } finally {
        set({ calibBusy: false });
      }
    },
  };
}
