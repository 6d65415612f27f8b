import { useApp } from '../../store/context';
import { ClassPicker } from './ClassPicker';

/** One shared empty list: a selector returning a new [] each time would re-render forever. */
const NO_NAMES: string[] = [];

/** Confidence and IoU sliders and the class filter; moving them re-runs post-processing only. */
export function Thresholds() {
  const thresholds = useApp((s) => s.thresholds);
  const setThresholds = useApp((s) => s.setThresholds);
  const names = useApp((s) => s.slots.a.model?.names ?? NO_NAMES);
  const task = useApp((s) => s.slots.a.model?.task);

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
        <ClassPicker
          names={names}
          kept={thresholds.classes}
          onChange={(classes) => setThresholds({ classes })}
        />
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
