import { useRef, useState, type DragEvent } from 'react';
import { useApp } from '../store/context';

/** Drop a checkpoint or an ONNX model here, or choose one (native dialog on the desktop, the file input in a browser). */
export function DropZone() {
  const adding = useApp((s) => s.adding);
  const addFile = useApp((s) => s.addCheckpointFile);
  const pick = useApp((s) => s.pickCheckpoint);
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file && !adding) void addFile(file);
  };

  const choose = async () => {
    if (!(await pick())) input.current?.click();
  };

  return (
    <div
      className={over ? 'dropzone dropzone-over' : 'dropzone'}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <div className="dropzone-icon" aria-hidden="true">
        ⬆
      </div>
      <p className="dropzone-title">Drop a YOLO checkpoint or an ONNX model here</p>
      <p className="muted">
        Ultralytics .pt checkpoints (detect, segment, classify, pose) to export, or .onnx files to preview and
        deploy as they are.
      </p>
      <button type="button" className="button-primary" disabled={!!adding} onClick={() => void choose()}>
        Choose a .pt or .onnx file…
      </button>
      <input
        ref={input}
        className="visually-hidden"
        type="file"
        accept=".pt,.pth,.onnx"
        aria-label="Checkpoint file"
        disabled={!!adding}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void addFile(file);
        }}
      />
    </div>
  );
}
