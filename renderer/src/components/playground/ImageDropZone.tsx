import { useRef, useState, type DragEvent } from 'react';
import { filesFromDrop, imagesFromFolderInput } from '../../lib/image-files';
import { useApp } from '../../store/context';

/** Drop one image, many, or folders; or choose them. */
export function ImageDropZone() {
  const addImages = useApp((s) => s.addImages);
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const onDrop = async (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    await addImages(await filesFromDrop(event.dataTransfer));
  };

  return (
    <div
      className={over ? 'dropzone dropzone-compact dropzone-over' : 'dropzone dropzone-compact'}
      data-testid="image-drop"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => void onDrop(e)}
    >
      <p className="dropzone-title">Drop images or folders here</p>
      <div className="row">
        <button type="button" onClick={() => files.current?.click()}>
          Choose images…
        </button>
        <button type="button" onClick={() => folder.current?.click()}>
          Choose a folder…
        </button>
      </div>
      <input
        ref={files}
        className="visually-hidden"
        type="file"
        multiple
        accept="image/*,.tif,.tiff,.heic,.avif"
        aria-label="Image files"
        onChange={(e) => {
          const picked = Array.from(e.target.files ?? []);
          e.target.value = '';
          void addImages(picked);
        }}
      />
      <input
        ref={folder}
        className="visually-hidden"
        type="file"
        aria-label="Image folder"
        {...{ webkitdirectory: '' }}
        onChange={(e) => {
          const picked = e.target.files ? imagesFromFolderInput(e.target.files) : [];
          e.target.value = '';
          void addImages(picked);
        }}
      />
    </div>
  );
}
