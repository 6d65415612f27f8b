import { IMGSZ_POLICY, imgszProblem as outOfRange, imgszRounding } from '../../../electron/contract';

/**
 * Why an image size typed in the wizard cannot be used, or null when it can. Any whole number in the trainers'
 * range can: one that is not a multiple of the model's stride is rounded up (see imgszWarning).
 */
export function imgszProblem(value: string): string | null {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) return 'Enter a whole number of pixels.';
  if (outOfRange(n)) return `Use a size between ${IMGSZ_POLICY.minimum} and ${IMGSZ_POLICY.maximum} pixels.`;
  return null;
}

/** The size the model is exported at for a usable typed size (rounded up to the model's stride). */
export function imgszExported(value: string, stride: number): number | null {
  return imgszProblem(value) ? null : imgszRounding(Number(value), stride).size;
}

/** What the trainer will say about a usable size it rounds up (the very sentence it logs), or null. */
export function imgszWarning(value: string, stride: number): string | null {
  return imgszProblem(value) ? null : imgszRounding(Number(value), stride).warning;
}
