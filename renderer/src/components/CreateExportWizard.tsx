import { useEffect, useState } from 'react';
import { modelStride, type ExportFormat, type ModelRecord } from '../../../electron/contract';
import {
  cardFacts,
  keptPrecision,
  onnxCardFacts,
  toCreateRequest,
  type ExportDraft,
} from '../lib/export-plan';
import { byCardOrder } from '../lib/formats';
import { imgszProblem } from '../lib/validation';
import { useApp } from '../store/context';
import { ErrorDetails } from './ErrorDetails';
import { FormatCards } from './export-wizard/FormatCards';
import { OptionsStep } from './export-wizard/OptionsStep';
import { ReviewStep } from './export-wizard/ReviewStep';
import { Modal } from './Modal';

const STEPS = ['Formats', 'Optimization', 'Review'] as const;
/** An ONNX model is kept as it is: nothing to optimise. */
const AS_IS_STEPS = ['Formats', 'Review'] as const;

/** The 3-step "create export" wizard: format cards from the capability matrix → options → review & submit. */
export function CreateExportWizard({ model }: { model: ModelRecord }) {
  const close = useApp((s) => s.closeWizard);
  const create = useApp((s) => s.createExport);
  const submitting = useApp((s) => s.submitting);
  const matrix = useApp((s) => s.capabilities);
  const loading = useApp((s) => s.loadingCapabilities);
  const matrixError = useApp((s) => s.capabilitiesError);
  const reload = useApp((s) => s.loadCapabilities);
  const calibDir = useApp((s) => s.calibDir);
  const calibBusy = useApp((s) => s.calibBusy);
  const wizardError = useApp((s) => s.wizardError);
  // The "Run on" choice: this computer, or a remote target from Settings → Compute targets.
  const remoteTargets = useApp((s) => s.remoteTargets);
  const loadTargets = useApp((s) => s.loadTargets);
  useEffect(() => {
    if (remoteTargets === undefined) void loadTargets();
  }, [remoteTargets, loadTargets]);
  const asIs = model.framework === 'onnx';
  const steps: readonly string[] = asIs ? AS_IS_STEPS : STEPS;
  const last = steps.length - 1;
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<Omit<ExportDraft, 'calibDir'>>({
    formats: [],
    imgsz: String(model.imgsz[0] ?? 640),
    simplify: true,
    precision: 'fp32',
    versionTag: '',
    validationData: '',
  });
  const full: ExportDraft = { ...draft, calibDir };
  const cards = byCardOrder(matrix?.formats ?? []);
  const chosen = cards.filter((f) => draft.formats.includes(f.id as ExportFormat));

  const toggle = (id: ExportFormat) => {
    const formats = draft.formats.includes(id)
      ? draft.formats.filter((f) => f !== id)
      : [...draft.formats, id];
    const next = cards.filter((f) => formats.includes(f.id as ExportFormat));
    setDraft({ ...draft, formats, precision: keptPrecision(draft.precision, next) });
  };

  const factsOf = (format: (typeof cards)[number]) =>
    asIs ? onnxCardFacts(format, model) : cardFacts(format, model.task, matrix?.toolchainReady ?? false);
  const canNext =
    step === 0
      ? chosen.length > 0 && chosen.every((f) => factsOf(f).selectable)
      : step === 1 && !asIs
        ? imgszProblem(draft.imgsz) === null && !calibBusy
        : false;
  const submit = () => void create(toCreateRequest(model.id, full, chosen, asIs));

  const footer = (
    <>
      <button type="button" className="button-ghost" onClick={step === 0 ? close : () => setStep(step - 1)}>
        {step === 0 ? 'Cancel' : 'Back'}
      </button>
      {step < last ? (
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
          {submitting
            ? 'Starting…'
            : chosen.length > 1
              ? `Start export (${chosen.length} formats)`
              : 'Start export'}
        </button>
      )}
    </>
  );

  return (
    <Modal title="Create export" subtitle={model.name} onClose={close} footer={footer} wide>
      <ol className="steps" aria-label="Steps">
        {steps.map((name, index) => (
          <li
            key={name}
            className={index === step ? 'step step-current' : index < step ? 'step step-done' : 'step'}
            aria-current={index === step ? 'step' : undefined}
          >
            <span className="step-number">{index + 1}</span> {name}
          </li>
        ))}
      </ol>
      {step === 0 && matrixError && !matrix && (
        <div className="panel panel-error">
          <ErrorDetails error={matrixError} />
          <button type="button" onClick={() => void reload(true)}>
            Ask again
          </button>
        </div>
      )}
      {step === 0 && !matrix && !matrixError && (
        <p className="muted" role="status">
          {loading ? 'Checking which formats this machine can build…' : 'Loading formats…'}
        </p>
      )}
      {step === 0 && matrix && (
        <>
          <p className="muted small">
            Choose one or more formats: one job loads the model once and checks each format on its own.
            {model.task ? ` Quality is for ${model.task} models.` : ''}
          </p>
          {asIs && (
            <p className="note" role="note">
              {model.name} is an ONNX model: it can be kept as ONNX (for the preview, an endpoint and
              packages). The other formats are converted from the PyTorch model: add the .pt checkpoint to
              export them.
            </p>
          )}
          <FormatCards matrix={matrix} factsOf={factsOf} chosen={draft.formats} onToggle={toggle} />
        </>
      )}
      {step === 1 && !asIs && (
        <OptionsStep
          draft={full}
          chosen={chosen}
          stride={modelStride(model.details)}
          onChange={({ calibDir: _calib, ...rest }) => setDraft(rest)}
        />
      )}
      {step === last && <ReviewStep model={model} draft={full} chosen={chosen} asIs={asIs} />}
      {step === last && !asIs && remoteTargets?.length ? (
        <label className="field">
          <span className="field-label">Run on</span>
          <select value={draft.runOn ?? ''} onChange={(e) => setDraft({ ...draft, runOn: e.target.value })}>
            <option value="">This computer</option>
            {remoteTargets.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name} (Kubernetes{t.gpu ? ', GPU' : ''})
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {wizardError && (
        <div className="panel panel-error" role="alert">
          <ErrorDetails error={wizardError} />
        </div>
      )}
    </Modal>
  );
}
