import { z } from 'zod';
import { appErrorSchema } from './errors';

/** Validate an export's model files (and the checkpoint it came from) on a labelled dataset. */
export const exportsValidateRequest = z
  .object({
    id: z.string().min(1),
    /** A data.yaml (its val split), a folder with images/ + labels/, or class sub-folders (classify). */
    data: z.string().min(1),
    /** The dataset's class names differ from the model's, and the person confirmed they agree by position. */
    acceptNames: z.boolean().optional(),
    /** Only these: format ids, and "pytorch" for the checkpoint (default: the checkpoint and every runnable format). */
    formats: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();
export type ExportsValidateRequest = z.infer<typeof exportsValidateRequest>;

const fraction = z.number().min(0).max(1);

/** mAP50-95, mAP50, precision and recall of one kind of prediction (boxes, masks, keypoints). */
export const apFiguresSchema = z
  .object({
    map50_95: fraction,
    map50: fraction,
    precision: fraction.optional(),
    recall: fraction.optional(),
  })
  .strict();
export type ApFigures = z.infer<typeof apFiguresSchema>;

/** detect: box; segment: box + mask; pose: box + keypoints; classify: top1 + top5 — as `yolo val` computes them. */
export const accuracyFiguresSchema = z
  .object({
    box: apFiguresSchema.optional(),
    mask: apFiguresSchema.optional(),
    keypoints: apFiguresSchema.optional(),
    top1: fraction.optional(),
    top5: fraction.optional(),
  })
  .strict();
export type AccuracyFigures = z.infer<typeof accuracyFiguresSchema>;

/** The figure a model file is judged by: mAP50-95 of masks, keypoints or boxes, or top-1 (classify). */
export function mainFigure(figures: AccuracyFigures | null | undefined): number | null {
  if (!figures) return null;
  return figures.top1 ?? (figures.mask ?? figures.keypoints ?? figures.box)?.map50_95 ?? null;
}

/** One model file's accuracy: the PyTorch original ("pytorch") or one exported format. */
export const accuracyRowSchema = z
  .object({
    format: z.string().describe('"pytorch" (the checkpoint) or a format id.'),
    precision: z.string(),
    modelFile: z.string(),
    images: z.number().int().describe('Images validated (fewer than the split when partial).'),
    partial: z.boolean().describe('Cancelled while this file was validated: figures over the images seen.'),
    figures: accuracyFiguresSchema.nullable(),
    durationMs: z.number().nullable(),
    error: z.string().nullable().describe('This file could not be validated (the others were).'),
  })
  .strict();
export type AccuracyRow = z.infer<typeof accuracyRowSchema>;

export const validationStatusSchema = z.enum(['completed', 'partial', 'failed']);
export type ValidationStatus = z.infer<typeof validationStatusSchema>;

export const exportValidationSchema = z
  .object({
    id: z.string(),
    exportId: z.string(),
    dataset: z.string(),
    task: z.string().nullable(),
    images: z.number().int().describe('Images in the validation split.'),
    status: validationStatusSchema,
    rows: z.array(accuracyRowSchema),
    error: appErrorSchema.nullable(),
    createdAt: z.string(),
  })
  .strict();
export type ExportValidation = z.infer<typeof exportValidationSchema>;

/** The trainer's `validation` summary (its own names), read at the boundary. */
export const trainerValidationSchema = z.object({
  dataset: z.string(),
  images: z.number().int(),
  task: z.string(),
  partial: z.boolean(),
  rows: z.array(
    z.object({
      format: z.string(),
      precision: z.string(),
      model_file: z.string(),
      images: z.number().int(),
      partial: z.boolean(),
      figures: z.record(z.string(), z.unknown()).nullable(),
      duration_ms: z.number().nullable().optional(),
      error: z.string().nullable(),
    }),
  ),
});
export type TrainerValidation = z.infer<typeof trainerValidationSchema>;

/** Ship formats that failed on accuracy anyway: the override is recorded as made from the CLI or the app. */
export const overrideViaSchema = z.enum(['cli', 'app']);
export type OverrideVia = z.infer<typeof overrideViaSchema>;

/** A format whose accuracy dropped more than the threshold below the PyTorch original's, in the latest run. */
export const accuracyFailureSchema = z
  .object({
    format: z.string(),
    precision: z.string(),
    dropPoints: z.number().describe('How far below the original, in points (positive: worse).'),
    override: z
      .object({ at: z.string(), via: overrideViaSchema })
      .nullable()
      .describe('The person shipped it anyway: when, and from where.'),
  })
  .strict();
export type AccuracyFailure = z.infer<typeof accuracyFailureSchema>;

/** The accuracy threshold applied to an export's latest validation. */
export const accuracyGateSchema = z
  .object({
    maxDropPoints: z
      .number()
      .nullable()
      .describe('Fail a format that drops more than this (null: no threshold).'),
    validationId: z
      .string()
      .nullable()
      .describe('The run judged: the latest that measured the PyTorch original.'),
    failures: z.array(accuracyFailureSchema),
  })
  .strict();
export type AccuracyGate = z.infer<typeof accuracyGateSchema>;

/** A row's drop below the PyTorch original, in points rounded to 0.1 as shown (null: nothing to compare). */
export function dropPointsOf(row: AccuracyRow, rows: AccuracyRow[]): number | null {
  const reference = mainFigure(rows.find((r) => r.format === 'pytorch')?.figures);
  const ours = mainFigure(row.figures);
  if (row.format === 'pytorch' || ours === null || reference === null) return null;
  return Math.round((reference - ours) * 1000) / 10;
}

/** The formats of a run that drop more than `maxDropPoints` below the original (none without a threshold). */
export function formatsOverThreshold(
  rows: AccuracyRow[],
  maxDropPoints: number | null,
): Omit<AccuracyFailure, 'override'>[] {
  if (maxDropPoints === null) return [];
  return rows.flatMap((row) => {
    const dropPoints = dropPointsOf(row, rows);
    return dropPoints !== null && dropPoints > maxDropPoints
      ? [{ format: row.format, precision: row.precision, dropPoints }]
      : [];
  });
}

export const accuracyThresholdRequest = z
  .object({
    maxDropPoints: z
      .number()
      .min(0, 'is negative: give the points of mAP (top-1 for classify) a format may lose, e.g. 2')
      .max(100, 'is over 100 points')
      .nullable(),
  })
  .strict();

export type AccuracyThreshold = z.infer<typeof accuracyThresholdRequest>;

export const accuracyOverrideRequest = z
  .object({ id: z.string().min(1), format: z.string().min(1) })
  .strict();
