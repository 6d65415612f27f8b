import './class-picker.css';
import { useMemo, useState } from 'react';

interface ClassPickerProps {
  names: string[];
  /** Class ids kept; null is every class. */
  kept: number[] | null;
  onChange: (kept: number[] | null) => void;
}

/** Which classes to keep: one line saying how many, opening a searchable list with All and None. */
export function ClassPicker({ names, kept, onChange }: ClassPickerProps) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const keep = useMemo(() => new Set(kept ?? names.map((_, i) => i)), [kept, names]);
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    return names.map((name, id) => ({ name, id })).filter((c) => !q || c.name.toLowerCase().includes(q));
  }, [names, query]);

  const set = (next: Set<number>) =>
    onChange(next.size === names.length ? null : [...next].sort((a, b) => a - b));
  const toggle = (id: number) => {
    const next = new Set(keep);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    set(next);
  };
  // All and None act on the classes the search shows (all of them when it is empty).
  const all = () => set(new Set([...keep, ...matches.map((c) => c.id)]));
  const none = () => set(new Set([...keep].filter((id) => !matches.some((c) => c.id === id))));
  const summary =
    keep.size === names.length
      ? `all ${names.length}`
      : keep.size <= 3
        ? [...keep].map((id) => names[id]).join(', ') || 'none'
        : `${keep.size} of ${names.length}`;

  return (
    <div className="class-picker">
      <button
        type="button"
        className="button-ghost class-picker-toggle"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        Classes: {summary} {open ? '▴' : '▾'}
      </button>
      {open && (
        <div className="class-picker-panel" role="group" aria-label="Classes">
          <div className="class-picker-tools">
            <input
              type="search"
              placeholder={`Search ${names.length} classes`}
              aria-label="Search classes"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
            <button type="button" className="button-link" onClick={all}>
              All
            </button>
            <button type="button" className="button-link" onClick={none}>
              None
            </button>
          </div>
          <ul className="class-picker-list">
            {matches.map(({ name, id }) => (
              <li key={id}>
                <label>
                  <input type="checkbox" checked={keep.has(id)} onChange={() => toggle(id)} />
                  {name}
                </label>
              </li>
            ))}
          </ul>
          {matches.length === 0 && <p className="muted small">No class matches “{query}”.</p>}
        </div>
      )}
    </div>
  );
}
