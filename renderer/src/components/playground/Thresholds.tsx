import { useApp } from '../../store/context';

/** One shared empty list: a selector returning a new [] each time would re-render forever. */
const NO_NAMES: string[] = [];

/** Confidence and IoU sliders and the class filter; moving them re-runs post-processing only. */
export function Thresholds() {
  const thresholds = useApp((s) => s.thresholds);
  const setThresholds = useApp((s) => s.setThresholds);
  const names = useApp((s) => s.slots.a.model?.names ?? NO_NAMES);
  const task = useApp((s) => s.slots.a.model?.task);
  const keep = new Set(thresholds.classes ?? names.map((_, i) => i));

  const toggle = (id: number) => {
    const next = new Set(keep);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setThresholds({ classes: next.size === names.length ? null : [...next].sort((a, b) => a - b) });
  };

  return (
    <section className="thresholds" aria-label="Thresholds">
      {task !== 'classify' && (
        <>
          <Slider
            label="Confidence"
            ariaLabel="Confidence threshold"
            min={0.01}
            max={0.99}
            step={0.01}
            value={thresholds.conf}
            onChange={(conf) => setThresholds({ conf })}
          />
          <Slider
            label="IoU"
            ariaLabel="IoU threshold"
            min={0.05}
            max={0.95}
            step={0.05}
            value={thresholds.iou}
            onChange={(iou) => setThresholds({ iou })}
          />
        </>
      )}
      {names.length > 0 && (
        <fieldset className="class-filter">
          <legend>Classes</legend>
          {names.slice(0, 80).map((name, id) => (
            <label key={id} className="chip-toggle">
              <input type="checkbox" checked={keep.has(id)} onChange={() => toggle(id)} />
              {name}
            </label>
          ))}
          {names.length > 80 && <span className="muted small">+{names.length - 80} more (all kept)</span>}
        </fieldset>
      )}
    </section>
  );
}

function Slider(props: {
  label: string;
  ariaLabel: string;
  min: number;
  max: number;
  step: number;
  value: number;
  onChange: (value: number) => void;
}) {
  return (
    <label className="slider">
      <span>
        {props.label} <output>{props.value.toFixed(2)}</output>
      </span>
      <input
        type="range"
        min={props.min}
        max={props.max}
        step={props.step}
        value={props.value}
        aria-label={props.ariaLabel}
        onChange={(e) => props.onChange(Number(e.target.value))}
      />
    </label>
  );
}
