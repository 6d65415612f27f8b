import { z } from 'zod';
import { PlatformError } from './errors';

/**
 * What a remote trainer may post: its protocol events (DESIGN.md, "The toolchain protocol"; the app reads the same
 * shapes in electron/core/toolchain/protocol.ts). Extra fields are kept as sent.
 */
const text = (max: number) => z.string().max(max);

const progressEvent = z.looseObject({
  event: z.literal('progress'),
  stage: text(200),
  fraction: z.number().min(0).max(1),
  message: text(4000).optional(),
});
const logEvent = z.looseObject({
  event: z.literal('log'),
  message: text(16_000),
  level: text(20).optional(),
  source: text(200).optional(),
});
const artifactEvent = z.looseObject({
  event: z.literal('artifact'),
  format: text(50),
  path: text(4096),
  bytes: z.number().int().min(0).nullable().optional(),
  kind: text(50).optional(),
});
const progressBatchEvent = z.discriminatedUnion('event', [progressEvent, logEvent, artifactEvent]);

/** Fewer than the ring keeps, so one batch never pushes out its own events. */
export const MAX_EVENTS_PER_BATCH = 500;

const progressBatch = z.strictObject({
  events: z.array(progressBatchEvent).max(MAX_EVENTS_PER_BATCH),
});

const artifacts = z.strictObject({
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
});
const remoteFields = {
  output_dir: text(4096).optional(),
  artifacts: artifacts.optional(),
};
const completion = z.discriminatedUnion('event', [
  z.looseObject({ event: z.literal('result'), ...remoteFields }),
  z.looseObject({
    event: z.literal('error'),
    code: z.string().min(1).max(200),
    message: text(16_000),
    hint: text(16_000).optional(),
    ...remoteFields,
  }),
]);

export type ProgressBatchEvent = z.infer<typeof progressBatchEvent>;
export type Completion = z.infer<typeof completion>;

export function parseProgressBatch(body: unknown): ProgressBatchEvent[] {
  const parsed = progressBatch.safeParse(body);
  if (parsed.success) return parsed.data.events;
  throw new PlatformError(
    400,
    'INVALID_EVENT',
    `The progress callback is not a batch of protocol events: ${describeIssue(parsed.error)}.`,
    `Send {"events": [...]} (at most ${MAX_EVENTS_PER_BATCH}) of progress {stage, fraction 0–1}, log {message} or artifact {format, path, bytes} events, as the trainer prints them.`,
  );
}

export function parseCompletion(body: unknown): Completion {
  const parsed = completion.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new PlatformError(
    400,
    'INVALID_COMPLETION',
    `The completion is not the trainer's result or error event: ${describeIssue(parsed.error)}.`,
    'Send the trainer\'s final {"event": "result", …} or {"event": "error", "code", "message", "hint"}, with "output_dir" and "artifacts": {"bytes", "sha256"} when artifacts were uploaded.',
  );
}

/** The first problem, with where it is: `events[3].fraction: Too big: expected number to be <=1`. */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
  return where ? `${where}: ${issue.message}` : issue.message;
}
