import {
  ONNX_MODEL_FORMATS,
  onnxMissingFacts,
  type ExportFormat,
  type ExportsCreateRequest,
  type FormatCapability,
  type ModelRecord,
  type QualityLevel,
} from '../../../electron/contract';

export type Precision = FormatCapability['precisions'][number];
export const PRECISIONS: Precision[] = ['fp32', 'fp16', 'int8'];
export const PRECISION_LABEL: Record<Precision, string> = { fp32: 'FP32', fp16: 'FP16', int8: 'INT8' };

/** What one format card says, for the model's task, read from the capability matrix. */
export interface CardFacts {
  supported: boolean;
  quality: QualityLevel | null;
  converter: 'installed' | 'first use' | 'missing';
  build: 'here' | 'deferred' | 'no';
  /** Checked against PyTorch here (parity) or only structurally (it cannot run on this OS). */
  check: 'parity' | 'structural';
  /** Why it is not supported / not buildable / not runnable here; null when it all is. */
  why: string | null;
  selectable: boolean;
  /** The model's file kept as it is (an ONNX model "exported" to ONNX): nothing is converted or checked. */
  asIs: boolean;
}

/**
 * The cards for an ONNX model: ONNX alone, kept as it is (when the file says its task, class names and input size);
 * every other format is refused here, before "Start export", with the reason.
 */
export function onnxCardFacts(
  format: FormatCapability,
  model: Pick<ModelRecord, 'task' | 'classNames' | 'imgsz'>,
): CardFacts {
  const base = { quality: null, converter: 'installed', build: 'here', check: 'structural' } as const;
  if (!ONNX_MODEL_FORMATS.includes(format.id)) {
    return {
      ...base,
      supported: false,
      why: `${format.label} starts from the PyTorch model: add the .pt checkpoint this ONNX file came from to export it.`,
      selectable: false,
      asIs: false,
    };
  }
  const missing = onnxMissingFacts(model);
  return {
    ...base,
    supported: true,
    why: missing.length
      ? `This ONNX file does not say its ${missing.join(', ')}: give them in the Playground to preview it.`
      : 'Kept as it is: the file is not converted, so there is nothing to compare it with.',
    selectable: missing.length === 0,
    asIs: true,
  };
}

export function cardFacts(format: FormatCapability, task: string | null, toolchainReady: boolean): CardFacts {
  const forTask = task ? format.tasks[task] : undefined;
  const supported = task ? forTask?.supported === true : true;
  const converter = format.converter.installed ? 'installed' : format.buildableHere ? 'first use' : 'missing';
  const build = format.deferred ? 'deferred' : format.buildableHere ? 'here' : 'no';
  const check = format.runnableHere ? 'parity' : 'structural';
  let why: string | null = null;
  if (!toolchainReady) why = format.reason;
  else if (!supported) why = `${format.label} does not support ${task} models.`;
  else if (build === 'deferred')
    why =
      'Deferred build: ONNX + trtexec script + Triton config; the engine is built on the target device' +
      (format.reason ? ` (here: ${format.reason}).` : '.');
  else if (build === 'no') why = format.reason ?? `${format.label} cannot be built here.`;
  else if (check === 'structural')
    why = `Converts here; ${format.note || 'not runnable on this OS — structural check only.'}`;
  else if (converter === 'first use') why = format.reason;
  return {
    supported,
    quality: supported ? (forTask?.quality ?? null) : null,
    converter,
    build,
    check,
    why,
    selectable: toolchainReady && supported && build !== 'no',
    asIs: false,
  };
}

export interface PrecisionChoice {
  allowed: boolean;
  reason: string | null;
}

/** A job has one precision: offered only when every chosen format supports it, else the reason names them. */
export function precisionChoice(precision: Precision, chosen: FormatCapability[]): PrecisionChoice {
  if (precision === 'fp32') return { allowed: true, reason: null };
  if (chosen.length === 0) return { allowed: false, reason: 'Choose a format first.' };
  const lacking = chosen.filter((f) => !f.precisions.includes(precision));
  if (lacking.length === 0) return { allowed: true, reason: null };
  const names = lacking.map((f) => f.label).join(', ');
  return {
    allowed: false,
    reason: `${names} ${lacking.length > 1 ? 'do' : 'does'} not offer ${PRECISION_LABEL[precision]} — export ${lacking.length > 1 ? 'them' : 'it'} in a separate job.`,
  };
}

/** True when at least one chosen format takes this export option (the others ignore it). */
export function takesOption(chosen: FormatCapability[], key: string): boolean {
  return chosen.some((f) => key in f.exportOptions);
}

export interface ExportDraft {
  formats: ExportFormat[];
  imgsz: string;
  simplify: boolean;
  precision: Precision;
  /** INT8 only; empty: the trainer calibrates on Ultralytics' sample photos, with a warning. */
  calibDir: string;
  versionTag: string;
  /** Labelled data to measure accuracy on in the same job; empty: none. */
  validationData: string;
  /** The remote target to run on; empty or absent: this computer. */
  runOn?: string;
}

export function toCreateRequest(
  modelId: string,
  draft: ExportDraft,
  chosen: FormatCapability[],
  asIs = false,
): ExportsCreateRequest {
  const tag = draft.versionTag.trim();
  // A file kept as it is takes no options: its size and precision are fixed in it.
  if (asIs)
    return { modelId, formats: chosen.map((f) => f.id as ExportFormat), ...(tag ? { versionTag: tag } : {}) };
  const calibDir = draft.calibDir.trim();
  const validationData = draft.validationData.trim();
  return {
    modelId,
    formats: chosen.map((f) => f.id as ExportFormat),
    exportConfig: {
      imgsz: Number(draft.imgsz),
      ...(takesOption(chosen, 'simplify') ? { simplify: draft.simplify } : {}),
    },
    optimizationConfig: {
      ...(draft.precision === 'fp16' ? { half: true } : {}),
      ...(draft.precision === 'int8' ? { int8: true, ...(calibDir ? { calibDir } : {}) } : {}),
    },
    ...(tag ? { versionTag: tag } : {}),
    ...(validationData ? { validationData } : {}),
    ...(draft.runOn ? { on: draft.runOn } : {}),
  };
}

/** A precision the chosen formats no longer all offer falls back to FP32. */
export function keptPrecision(precision: Precision, chosen: FormatCapability[]): Precision {
  return precisionChoice(precision, chosen).allowed ? precision : 'fp32';
}
