import { z } from 'zod';

/**
 * What to do about endpoints on the platform made from what is being removed: refuse (the default: nothing is
 * removed while one exists), deactivate them first (they stay on the platform, answering nothing), or delete them
 * on the platform first. Removing without one of these would leave an endpoint answering that the app no longer
 * shows.
 */
export const ENDPOINT_CHOICES = ['refuse', 'deactivate', 'delete'] as const;
export const endpointChoiceSchema = z.enum(ENDPOINT_CHOICES);
export type EndpointChoice = z.infer<typeof endpointChoiceSchema>;

export const modelsRemoveRequest = z
  .object({ id: z.string().min(1), endpoints: endpointChoiceSchema.default('refuse') })
  .strict();
export const exportsDeleteRequest = z
  .object({ id: z.string().min(1), endpoints: endpointChoiceSchema.default('refuse') })
  .strict();
export const removalPlanRequest = z.object({ id: z.string().min(1) }).strict();

/** An endpoint that still exists on the platform (any status but deleted). */
export interface EndpointAtStake {
  id: string;
  name: string;
  status: string;
  exportVersion: number;
  endpointUrl: string | null;
}

/** What a removal takes away, asked before it runs so the person can be told. */
export interface RemovalPlan {
  /** "model detect" or "export v2 of detect". */
  subject: string;
  exports: Array<{ id: string; version: number }>;
  /** The files on disk that go: the stored model (a model's removal) and every export's files. */
  files: number;
  bytes: number;
  endpoints: EndpointAtStake[];
  /** Export running now: the removal is refused until it ends. */
  running: number | null;
  /** What goes from this machine, in words: "2 exports and 7 files (12.4 MB)" (the endpoints are listed apart). */
  summary: string;
}

export interface RemovalOutcome {
  /** Endpoints deactivated or deleted on the platform before the removal. */
  endpoints: Array<{ id: string; name: string; status: string }>;
}
