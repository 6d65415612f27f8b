import { z } from 'zod';

/** Every failure that crosses the contract carries a stable code, a sentence for people and what to do. */
export const appErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().default(''),
});
export type AppErrorShape = z.infer<typeof appErrorSchema>;

export type Result<T> = { ok: true; data: T } | { ok: false; error: AppErrorShape };
