import { useState, type DragEvent } from 'react';
import { filesFromDrop, imagesFromFolderInput } from '../../lib/image-files';
import { useApp } from '../../store/context';
import { FileButton } from '../FileButton';

/** Drop one image, many, or folders; or choose them. */
export function ImageDropZone() {
  const addImages = useApp((s) => s.addImages);
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
        <FileButton
          inputLabel="Image files"
          accept="image/*,.tif,.tiff,.heic,.avif"
          multiple
          onFiles={addImages}
        >
          Choose images…
        </FileButton>
        <FileButton inputLabel="Image folder" directory onFiles={(f) => addImages(imagesFromFolderInput(f))}>
          Choose a folder…
        </FileButton>
      </div>
    </div>
  );
}
