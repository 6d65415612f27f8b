import { isVisionError } from '@edgepack/runtime';

/** Every error the service answers with: an HTTP status and {code, message, hint}. */
export class PlatformError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint: string,
    readonly headers: Record<string, string> = {},
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PlatformError';
  }

  toBody(): { error: { code: string; message: string; hint: string } & Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, hint: this.hint, ...this.details } };
  }
}

const VISION_STATUS: Record<string, number> = {
  NOT_AN_IMAGE: 400,
  UNSUPPORTED_IMAGE_FORMAT: 415,
  IMAGE_TOO_LARGE: 413,
  IMAGE_DECODE_FAILED: 400,
  INVALID_MODEL_FILE: 400,
  INVALID_MODEL_METADATA: 400,
  UNSUPPORTED_MODEL_OUTPUT: 422,
};

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
}

/** Maps anything thrown inside a request to the PlatformError the client sees. */
export function toPlatformError(error: unknown): PlatformError {
  if (error instanceof PlatformError) return error;
  if (isVisionError(error))
    return new PlatformError(VISION_STATUS[error.code] ?? 400, error.code, error.message, visionHint(error));
  const e = error as FastifyLikeError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
      return new PlatformError(
        413,
        'BODY_TOO_LARGE',
        'The request body is larger than this service accepts.',
        'Send a smaller image (resize it; the model sees it at its input size anyway) or a smaller model file.',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new PlatformError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'The request has a content type this endpoint does not read.',
        'Send JSON (Content-Type: application/json), or multipart/form-data for model uploads.',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidJson(e.message);
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new PlatformError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Model uploads must be multipart/form-data.',
        'Send the files as form fields "model" (model.onnx) and "metadata" (metadata.json).',
      );
  }
  if (e.statusCode === 400 && error instanceof SyntaxError) return invalidJson(e.message);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new PlatformError(
      e.statusCode,
      'BAD_REQUEST',
      e.message,
      'Check the request against the API reference.',
    );
  }
  return new PlatformError(
    500,
    'INTERNAL_ERROR',
    'The service failed while handling this request.',
    'Try again; if it keeps failing, the service log has the details.',
  );
}

function invalidJson(detail: string): PlatformError {
  return new PlatformError(
    400,
    'INVALID_JSON',
    `The request body is not valid JSON: ${detail}.`,
    'Send {"image": "<base64>", "confidence_threshold": 0.5} with Content-Type: application/json.',
  );
}

/** The runtime's hints say what to use; over HTTP the photo also has to be sent a certain way. */
function visionHint(error: { code: string; hint: string }): string {
  return error.code === 'NOT_AN_IMAGE'
    ? 'Send the bytes of a JPEG, PNG or WebP photo (base64-encoded in JSON requests).'
    : error.hint;
}
