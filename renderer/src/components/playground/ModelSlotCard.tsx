import { FileButton } from '../FileButton';
import { ErrorDetails } from '../ErrorDetails';
import { useApp } from '../../store/context';
import type { SlotId } from '../../store/types';
import { FactsForm } from './FactsForm';

const SLOT_NAMES: Record<SlotId, string> = { a: 'Model', b: 'Compare with' };

/** Picks the ONNX model of one side of the playground: an export, or any .onnx file. */
export function ModelSlotCard({ slot }: { slot: SlotId }) {
  const state = useApp((s) => s.slots[slot]);
  const choices = useApp((s) => s.onnxChoices);
  const open = useApp((s) => s.openSlotModel);
  const openFile = useApp((s) => s.openSlotModelFile);
  const setCompare = useApp((s) => s.setCompare);
  const model = state.model;
  const known = choices.some((c) => c.path === state.path);

  return (
    <section className="card slot-card" aria-label={`${SLOT_NAMES[slot]} ${slot.toUpperCase()}`}>
      <header className="card-header">
        <h2>
          <span className="slot-letter">{slot.toUpperCase()}</span> {SLOT_NAMES[slot]}
        </h2>
        {slot === 'b' && (
          <button type="button" className="button-ghost" onClick={() => setCompare(false)}>
            Stop comparing
          </button>
        )}
      </header>
      <div className="slot-pickers">
        <label className="field">
          <span className="field-label">Exported model</span>
          <select
            aria-label={`Exported model ${slot.toUpperCase()}`}
            value={known ? (state.path ?? '') : ''}
            onChange={(e) => {
              const choice = choices.find((c) => c.path === e.target.value);
              if (choice) void open(slot, choice.path, choice.label);
            }}
          >
            <option value="">{choices.length ? 'Choose an export…' : 'No ONNX exports yet'}</option>
            {choices.map((c) => (
              <option key={c.path} value={c.path}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small">or</span>
        <FileButton
          inputLabel={`ONNX file ${slot.toUpperCase()}`}
          accept=".onnx"
          onFiles={([file]) => openFile(slot, file!)}
        >
          Open ONNX file…
        </FileButton>
      </div>
      {state.opening && <p className="muted">Reading {state.label}…</p>}
      {model && (
        <p className="slot-facts" data-testid={`model-facts-${slot}`}>
          <strong>{state.label ?? model.name}</strong>
          {model.needs.length === 0 && (
            <>
              {' '}
              · {model.task} · {model.names.length} classes · input {model.imgsz?.join('×')}
              {model.precision && <> · {model.precision}</>}
              <span className="muted small"> · facts from {model.source}</span>
            </>
          )}
        </p>
      )}
      {model && model.needs.length > 0 && <FactsForm slot={slot} model={model} />}
      {state.error && (
        <div className="panel-error" role="alert">
          <ErrorDetails error={state.error} />
        </div>
      )}
    </section>
  );
}
