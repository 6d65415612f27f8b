import { useApp } from '../../store/context';

/** The dropped images with what each model found (count or top class), or why it failed. */
export function ImageList() {
  const images = useApp((s) => s.images);
  const selected = useApp((s) => s.selectedImageId);
  const select = useApp((s) => s.selectImage);
  const clear = useApp((s) => s.clearImages);
  const a = useApp((s) => s.slots.a);
  const b = useApp((s) => s.slots.b);
  const compare = useApp((s) => s.compare);
  const slots = compare ? [a, b] : [a];

  return (
    <nav className="image-list" aria-label="Images">
      <header className="image-list-header">
        <span className="muted small">
          {images.length} {images.length === 1 ? 'image' : 'images'}
        </span>
        <button type="button" className="button-link" onClick={clear}>
          Clear
        </button>
      </header>
      <ul>
        {images.map((image) => {
          const error =
            image.error ?? slots.map((s) => (image.path ? s.failures[image.path] : undefined)).find(Boolean);
          return (
            <li key={image.id}>
              <button
                type="button"
                className={image.id === selected ? 'image-item image-item-selected' : 'image-item'}
                aria-current={image.id === selected ? 'true' : undefined}
                onClick={() => select(image.id)}
              >
                <span className="image-name">{image.name}</span>
                <span className="image-counts">
                  {error ? (
                    <span className="badge badge-danger">{error.code}</span>
                  ) : (
                    slots.map((slot, i) => {
                      const summary = image.path ? slot.summaries[image.path] : undefined;
                      if (!summary) return null;
                      const text = summary.top[0] ? summary.top[0].class : String(summary.count);
                      return (
                        <span key={i} className="badge badge-neutral">
                          {text}
                        </span>
                      );
                    })
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
