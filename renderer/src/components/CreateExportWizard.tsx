import { useState } from 'react';
import type { ExportFormat, ModelRecord } from '../../../electron/contract';
import { FORMATS, formatName } from '../lib/formats';
import { formatImgsz } from '../lib/format';
import { imgszProblem } from '../lib/validation';
import { useApp } from '../store/context';
import { Modal } from './Modal';

const STEPS = ['Format', 'Optimization', 'Review'] as const;

function FormatStep({ format, onPick }: { format: ExportFormat | null; onPick: (f: ExportFormat) => void }) {
  return (
    <div className="format-grid" role="radiogroup" aria-label="Format">
      {FORMATS.map((f) => (
        <button
          key={f.id}
          type="button"
          role="radio"
          aria-checked={format === f.id}
          aria-label={f.available ? f.name : `${f.name} (coming soon)`}
          className={format === f.id ? 'format-card format-card-selected' : 'format-card'}
          disabled={!f.available}
          onClick={() => onPick(f.id)}
        >
          <span className="format-card-head">
            <span className="format-name">{f.name}</span>
            {f.available ? (
              <span className={`badge badge-quality-${f.quality}`}>{f.quality}</span>
            ) : (
              <span className="badge badge-neutral">coming</span>
            )}
          </span>
          <span className="format-summary">{f.summary}</span>
          <span className="muted small">{f.runsOn}</span>
        </button>
      ))}
    </div>
  );
}

interface Options {
  imgsz: string;
  simplify: boolean;
  versionTag: string;
}

function OptimizationStep({ options, onChange }: { options: Options; onChange: (o: Options) => void }) {
  const problem = imgszProblem(options.imgsz);
  return (
    <div className="form">
      <label className="field">
        <span className="field-label">Image size</span>
        <input
          type="number"
          min={32}
          max={4096}
          step={32}
          value={options.imgsz}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby="imgsz-help"
          onChange={(e) => onChange({ ...options, imgsz: e.target.value })}
        />
        <span id="imgsz-help" className={problem ? 'field-error' : 'muted small'}>
          {problem ?? 'Square input in pixels; the exported model is fixed at this size.'}
        </span>
      </label>
      <label className="toggle">
        <input
          type="checkbox"
          checked={options.simplify}
          onChange={(e) => onChange({ ...options, simplify: e.target.checked })}
        />
        <span>
          Simplify graph <span className="muted small">— fold constants and fuse operators (onnxslim)</span>
        </span>
      </label>
      <label className="toggle toggle-disabled">
        <input type="checkbox" checked={false} disabled aria-describedby="fp16-why" />
        <span>
          FP16 (half precision){' '}
          <span id="fp16-why" className="muted small">
            — needs an NVIDIA GPU for ONNX export; not available on this machine yet
          </span>
        </span>
      </label>
      <label className="toggle toggle-disabled">
        <input type="checkbox" checked={false} disabled aria-describedby="int8-why" />
        <span>
          INT8 quantization{' '}
          <span id="int8-why" className="muted small">
            — calibrated on your images; coming with OpenVINO and TFLite
          </span>
        </span>
      </label>
      <label className="field">
        <span className="field-label">Version tag (optional)</span>
        <input
          type="text"
          maxLength={64}
          placeholder="e.g. release-candidate"
          value={options.versionTag}
          onChange={(e) => onChange({ ...options, versionTag: e.target.value })}
        />
      </label>
    </div>
  );
}

function ReviewStep({
  model,
  format,
  options,
}: {
  model: ModelRecord;
  format: ExportFormat;
  options: Options;
}) {
  return (
    <dl className="review">
      <div>
        <dt>Model</dt>
        <dd>
          {model.name}{' '}
          <span className="muted">
            ({model.task ?? model.framework}, trained at {formatImgsz(model.imgsz)})
          </span>
        </dd>
      </div>
      <div>
        <dt>Format</dt>
        <dd>{formatName(format)}</dd>
      </div>
      <div>
        <dt>Image size</dt>
        <dd>
          {options.imgsz} × {options.imgsz}
        </dd>
      </div>
      <div>
        <dt>Precision</dt>
        <dd>FP32</dd>
      </div>
      <div>
        <dt>Simplify graph</dt>
        <dd>{options.simplify ? 'Yes' : 'No'}</dd>
      </div>
      <div>
        <dt>Version tag</dt>
        <dd>{options.versionTag.trim() || '—'}</dd>
      </div>
      <div>
        <dt>Check</dt>
        <dd>Compared with the PyTorch model on real images: raw outputs, final boxes, latency.</dd>
      </div>
    </dl>
  );
}

/** The 3-step "create export" wizard: format cards → optimization → review & submit. */
export function CreateExportWizard({ model }: { model: ModelRecord }) {
  const close = useApp((s) => s.closeWizard);
  const create = useApp((s) => s.createExport);
  const submitting = useApp((s) => s.submitting);
  const [step, setStep] = useState(0);
  const [format, setFormat] = useState<ExportFormat | null>(null);
  const [options, setOptions] = useState<Options>({
    imgsz: String(model.imgsz[0] ?? 640),
    simplify: true,
    versionTag: '',
  });

  const canNext = step === 0 ? format !== null : step === 1 ? imgszProblem(options.imgsz) === null : false;

  const submit = () => {
    if (!format) return;
    const tag = options.versionTag.trim();
    void create({
      modelId: model.id,
      formats: [format],
      exportConfig: { imgsz: Number(options.imgsz), simplify: options.simplify },
      optimizationConfig: {},
      ...(tag ? { versionTag: tag } : {}),
    });
  };

  const footer = (
    <>
      <button type="button" className="button-ghost" onClick={step === 0 ? close : () => setStep(step - 1)}>
        {step === 0 ? 'Cancel' : 'Back'}
      </button>
      {step < 2 ? (
        <button
          type="button"
          className="button-primary"
          disabled={!canNext}
          onClick={() => setStep(step + 1)}
        >
          Next
        </button>
      ) : (
        <button type="button" className="button-primary" disabled={submitting} onClick={submit}>
          {submitting ? 'Starting…' : 'Start export'}
        </button>
      )}
    </>
  );

  return (
    <Modal title="Create export" subtitle={model.name} onClose={close} footer={footer} wide>
      <ol className="steps" aria-label="Steps">
        {STEPS.map((name, index) => (
          <li
            key={name}
            className={index === step ? 'step step-current' : index < step ? 'step step-done' : 'step'}
            aria-current={index === step ? 'step' : undefined}
          >
            <span className="step-number">{index + 1}</span> {name}
          </li>
        ))}
      </ol>
      {step === 0 && <FormatStep format={format} onPick={setFormat} />}
      {step === 1 && <OptimizationStep options={options} onChange={setOptions} />}
      {step === 2 && format && <ReviewStep model={model} format={format} options={options} />}
    </Modal>
  );
}
