import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Authorized, InferenceOptions } from '../inference';
import { rateLimitHeaders } from '../inference';
import { PlatformError } from '../errors';
import type { Platform } from '../platform';

const jsonBody = z
  .object({
    image: z.string({ error: 'image must be a base64 string' }),
    confidence_threshold: z.number().min(0).max(1).optional(),
    iou_threshold: z.number().min(0).max(1).optional(),
    max_detections: z.number().int().min(1).max(1000).optional(),
    classes: z.array(z.number().int().min(0)).max(1000).optional(),
    agnostic_nms: z.boolean().optional(),
    top_k: z.number().int().min(1).max(100).optional(),
  })
  .strict();

const queryOptions = z.object({
  confidence_threshold: z.coerce.number().min(0).max(1).optional(),
  iou_threshold: z.coerce.number().min(0).max(1).optional(),
  max_detections: z.coerce.number().int().min(1).max(1000).optional(),
  top_k: z.coerce.number().int().min(1).max(100).optional(),
});

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * `POST /v1/infer/{deployment_id}`: JSON `{"image": "<base64>", "confidence_threshold": 0.5}`, or the raw image
 * bytes with an image/* content type (options in the query string). The key and the tier limit are checked
 * before the body is read, so unauthorised uploads cost nothing.
 */
export function registerInferRoutes(app: FastifyInstance, platform: Platform): void {
  const authorized = new WeakMap<FastifyRequest, Authorized>();
  app.register(async (scope) => {
    const raw = (_request: unknown, body: string | Buffer, done: (error: null, body: Buffer) => void) =>
      done(null, typeof body === 'string' ? Buffer.from(body) : body);
    scope.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, raw);
    scope.addContentTypeParser(/^image\//, { parseAs: 'buffer' }, raw);
    scope.post<{ Params: { deploymentId: string } }>(
      '/v1/infer/:deploymentId',
      {
        onRequest: async (request) => {
          authorized.set(
            request,
            await platform.inference.authorize(request.params.deploymentId, request.headers.authorization),
          );
        },
      },
      async (request, reply) => {
        const auth = authorized.get(request)!;
        reply.headers(rateLimitHeaders(auth.rate));
        const { image, options } = Buffer.isBuffer(request.body)
          ? { image: request.body, options: parseQuery(request.query) }
          : parseJson(request.body);
        return platform.inference.run(auth, image, options);
      },
    );
  });
}

function parseJson(body: unknown): { image: Uint8Array; options: InferenceOptions } {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new PlatformError(
      400,
      'INVALID_REQUEST',
      'The request body must be a JSON object.',
      'Send {"image": "<base64>", "confidence_threshold": 0.5}.',
    );
  }
  if (!('image' in body)) {
    throw new PlatformError(
      400,
      'IMAGE_MISSING',
      'The request has no "image".',
      'Send the photo base64-encoded: {"image": "<base64>"}.',
    );
  }
  const parsed = jsonBody.safeParse(body);
  if (!parsed.success) throw invalidField(parsed.error.issues[0]);
  const b = parsed.data;
  return {
    image: decodeBase64(b.image),
    options: {
      confidenceThreshold: b.confidence_threshold,
      iouThreshold: b.iou_threshold,
      maxDetections: b.max_detections,
      classes: b.classes,
      agnosticNms: b.agnostic_nms,
      topK: b.top_k,
    },
  };
}

function parseQuery(query: unknown): InferenceOptions {
  const parsed = queryOptions.safeParse(query ?? {});
  if (!parsed.success) throw invalidField(parsed.error.issues[0]);
  return {
    confidenceThreshold: parsed.data.confidence_threshold,
    iouThreshold: parsed.data.iou_threshold,
    maxDetections: parsed.data.max_detections,
    topK: parsed.data.top_k,
  };
}

/** Strict base64 (standard or URL-safe, data: URL prefix allowed): Buffer.from would silently skip bad characters. */
export function decodeBase64(text: string): Uint8Array {
  // Fast path for the common case, a clean padded string: Buffer.from skips (or stops at) anything that is not
  // base64, and every such character costs at least one byte, so a full-length result proves the text clean.
  if (text.length % 4 === 0 && text.length > 0 && !text.startsWith('data:')) {
    const bytes = Buffer.from(text, 'base64');
    const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
    if (bytes.byteLength === (text.length / 4) * 3 - padding) return bytes;
  }
  const payload = text.replace(/^data:[\w/+.-]+;base64,/, '').replace(/\s+/g, '');
  if (payload.length === 0) {
    throw new PlatformError(
      400,
      'IMAGE_MISSING',
      'The "image" field is empty.',
      'Send the photo base64-encoded: {"image": "<base64>"}.',
    );
  }
  if (!BASE64.test(payload) || payload.length % 4 === 1) {
    const bad = payload.search(/[^A-Za-z0-9+/_=-]/);
    throw new PlatformError(
      400,
      'INVALID_BASE64',
      bad >= 0
        ? `"image" is not valid base64: character ${JSON.stringify(payload[bad])} at position ${bad}.`
        : '"image" is not valid base64: its length or padding is wrong.',
      'Encode the file bytes with base64 (e.g. `base64 -w0 photo.jpg`), without line breaks or other text.',
    );
  }
  return Buffer.from(payload, payload.includes('-') || payload.includes('_') ? 'base64url' : 'base64');
}

function invalidField(issue: z.core.$ZodIssue | undefined): PlatformError {
  const field = issue?.path.join('.') || 'body';
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : `${field}: ${issue?.message}`;
  return new PlatformError(
    400,
    'INVALID_REQUEST',
    `Invalid inference request: ${message}.`,
    'Fields: image (base64), confidence_threshold and iou_threshold (0–1), max_detections (1–1000), classes (ids), agnostic_nms, top_k (classification, 1–100).',
  );
}
