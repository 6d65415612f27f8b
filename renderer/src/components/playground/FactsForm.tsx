import { useState, type FormEvent } from 'react';
import { SERVABLE_TASKS, type PreviewModel, type ServableTask } from '../../../../electron/contract';
import { useApp } from '../../store/context';
import type { PreviewAnswers, SlotId } from '../../store/types';

/** A plain ONNX file does not say what it is: ask for what is missing; the answers are remembered for the file. */
export function FactsForm({ slot, model }: { slot: SlotId; model: PreviewModel }) {
  const answer = useApp((s) => s.answerSlotFacts);
  const [task, setTask] = useState<ServableTask>('detect');
  const [names, setNames] = useState('');
  const [size, setSize] = useState('640');
  const [problem, setProblem] = useState<string | null>(null);
  const needs = new Set(model.needs);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const answers: PreviewAnswers = {};
    if (needs.has('task')) answers.task = task;
    if (needs.has('names')) {
      const list = names
        .split(/[\n,]/)
        .map((n) => n.trim())
        .filter(Boolean);
      if (list.length === 0) return setProblem('Give at least one class name.');
      answers.names = list;
    }
    if (needs.has('imgsz')) {
      const sizes = size
        .split(/[x×, ]+/)
        .filter(Boolean)
        .map(Number);
      if (
        sizes.length < 1 ||
        sizes.length > 2 ||
        sizes.some((n) => !Number.isInteger(n) || n < 16 || n > 4096)
      )
        return setProblem('The input size is one whole number (e.g. 640) or height × width (e.g. 480×640).');
      answers.imgsz = sizes;
    }
    setProblem(null);
    void answer(slot, answers);
  };

  return (
    <form className="form facts-form" onSubmit={submit} aria-label="Model facts">
      <p>
        <strong>{model.name}</strong> does not say its{' '}
        {model.needs.map((n) => ({ task: 'task', names: 'class names', imgsz: 'input size' })[n]).join(', ')}.
        Tell Edgepack once; it remembers for this file.
      </p>
      {needs.has('task') && (
        <label className="field">
          <span className="field-label">Task</span>
          <select value={task} onChange={(e) => setTask(e.target.value as typeof task)}>
            {SERVABLE_TASKS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
      )}
      {needs.has('names') && (
        <label className="field">
          <span className="field-label">
            Class names, in class-id order (one per line or comma-separated)
          </span>
          <textarea rows={3} value={names} onChange={(e) => setNames(e.target.value)} />
        </label>
      )}
      {needs.has('imgsz') && (
        <label className="field">
          <span className="field-label">Input size in pixels</span>
          <input value={size} onChange={(e) => setSize(e.target.value)} />
        </label>
      )}
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      <button type="submit" className="button-primary">
        Use these
      </button>
    </form>
  );
}
