/**
 * The vectors' input images, made deterministically from the repository's own (the fixture scenes, the real photos
 * of native-runtimes/typescript/test-images): the same sharp gives the same bytes on every run.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
const SCENES = path.join(REPO, 'tests', 'fixtures', 'images');
const PHOTOS = path.join(REPO, 'native-runtimes', 'typescript', 'test-images');
/** Flat grey around a scene, as its backgrounds are grey (not the letterbox's 114, so the two stay apart). */
const BACKGROUND = { r: 128, g: 128, b: 128 };
const JPEG = { quality: 90, mozjpeg: false, chromaSubsampling: '4:2:0' } as const;

/** An image of the vectors: its file name under images/ and how it is made. */
interface ImageRecipe {
  file: string;
  make: () => Promise<Buffer>;
}

const scene = (name: string) => path.join(SCENES, name);
const photo = (name: string) => path.join(PHOTOS, name);
const copy = (file: string) => async () => fs.readFileSync(file);

export const IMAGES: ImageRecipe[] = [
  ...['shapes-1.png', 'shapes-2.png', 'triangles-1.png', 'circle.png', 'square.png', 'triangle.png'].map(
    (name) => ({
      file: name,
      make: copy(scene(name)),
    }),
  ),
  // Real photos, made smaller so their decoded.png stays small; still JPEGs straight from a camera's pixels.
  { file: 'bus.jpg', make: () => sharp(photo('bus.jpg')).resize(270, 360).jpeg(JPEG).toBuffer() },
  { file: 'zidane.jpg', make: () => sharp(photo('zidane.jpg')).resize(320, 180).jpeg(JPEG).toBuffer() },
  // Tagged Adobe RGB: cv2.imread ignores the profile, so must every runtime.
  { file: 'icc-adobe-rgb.jpg', make: copy(photo('icc-adobe-rgb.jpg')) },
  // Tall and wide: the letterbox pads 43 on one side and 44 on the other (Ultralytics' ±0.1 rounding).
  {
    file: 'tall.jpg',
    make: () =>
      sharp(scene('shapes-1.png'))
        .extend({ top: 190, bottom: 190, background: BACKGROUND })
        .jpeg(JPEG)
        .toBuffer(),
  },
  {
    file: 'wide.jpg',
    make: () =>
      sharp(scene('shapes-2.png'))
        .extend({ left: 190, right: 190, background: BACKGROUND })
        .jpeg(JPEG)
        .toBuffer(),
  },
  // A few pixels, enlarged about 20 times by the letterbox.
  { file: 'tiny.png', make: () => sharp(scene('circle.png')).resize(8, 8).png().toBuffer() },
  // Exactly the detector's 160 × 160 input: no resize, no padding.
  { file: 'exact.png', make: () => sharp(scene('shapes-1.png')).resize(160, 160).png().toBuffer() },
  // The circle of shapes-2 cut by the top edge: in the model input its mask runs on into the grey padding above.
  {
    file: 'segment-edge.jpg',
    make: () =>
      sharp(scene('shapes-2.png'))
        .extract({ left: 0, top: 110, width: 320, height: 160 })
        .jpeg(JPEG)
        .toBuffer(),
  },
  // Stored on its side with EXIF orientation 6 (turn 90° clockwise to view): upright it is 320 × 240.
  {
    file: 'exif-rotated.jpg',
    make: async () => {
      const upright = await sharp(scene('shapes-2.png'))
        .extract({ left: 0, top: 40, width: 320, height: 240 })
        .toBuffer();
      return sharp(upright).rotate(270).jpeg(JPEG).withMetadata({ orientation: 6 }).toBuffer();
    },
  },
];

/** Writes every image under `folder`/images. */
export async function makeImages(folder: string): Promise<void> {
  const images = path.join(folder, 'images');
  fs.mkdirSync(images, { recursive: true });
  for (const image of IMAGES) fs.writeFileSync(path.join(images, image.file), await image.make());
}
