/** Why an image size typed in the wizard cannot be used, or null when it can. */
export function imgszProblem(value: string): string | null {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) return 'Enter a whole number of pixels.';
  if (n < 32 || n > 4096) return 'Use a size between 32 and 4096 pixels.';
  if (n % 32 !== 0) return 'Use a multiple of 32 (the model’s largest stride).';
  return null;
}
