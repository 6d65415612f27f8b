/** A vision failure with a stable code, a sentence for people and what to do about it. */
export class VisionError extends Error {
  constructor(
    readonly code: VisionErrorCode,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'VisionError';
  }
}

export type VisionErrorCode =
  | 'NOT_AN_IMAGE'
  | 'UNSUPPORTED_IMAGE_FORMAT'
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_DECODE_FAILED'
  | 'INVALID_MODEL_FILE'
  | 'INVALID_MODEL_METADATA'
  | 'UNSUPPORTED_MODEL_OUTPUT';

export function isVisionError(error: unknown): error is VisionError {
  return error instanceof VisionError;
}
