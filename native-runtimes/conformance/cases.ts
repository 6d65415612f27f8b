/** The conformance cases: which model sees which image, with which thresholds, and why the case is there. */
import type { PostprocessOptions } from '../typescript/predictions';
import type { Task } from './models';

export interface CaseSpec {
  name: string;
  task: Task;
  /** A file of images/. */
  image: string;
  /** Thresholds other than metadata.json's. */
  options?: PostprocessOptions;
  /** An empty answer is what the case shows (otherwise a case without predictions is refused). */
  mayBeEmpty?: boolean;
  why: string;
}

/**
 * The fixture models are trained on synthetic shapes: on real photos they find little at metadata.json's conf 0.25,
 * so those cases lower it (and cap max_det, which the case then exercises too).
 */
const PHOTO: PostprocessOptions = { conf: 0.01, maxDet: 20 };

export const CASES: CaseSpec[] = [
  {
    name: 'detect-shapes',
    task: 'detect',
    image: 'shapes-1.png',
    why: 'a scene the detector was trained for',
  },
  { name: 'detect-bus', task: 'detect', image: 'bus.jpg', options: PHOTO, why: 'a real photo, portrait' },
  {
    name: 'detect-zidane',
    task: 'detect',
    image: 'zidane.jpg',
    options: PHOTO,
    why: 'a real photo, landscape',
  },
  { name: 'segment-shapes', task: 'segment', image: 'shapes-2.png', why: 'masks on a trained-for scene' },
  { name: 'segment-bus', task: 'segment', image: 'bus.jpg', options: PHOTO, why: 'masks on a real photo' },
  {
    name: 'segment-edge',
    task: 'segment',
    image: 'segment-edge.jpg',
    why: "a shape cut by the photo's top edge: its mask reaches into the padding and is clipped to the photo",
  },
  { name: 'pose-triangles', task: 'pose', image: 'triangles-1.png', why: 'keypoints on a trained-for scene' },
  {
    name: 'pose-zidane',
    task: 'pose',
    image: 'zidane.jpg',
    options: PHOTO,
    why: 'keypoints on a real photo',
  },
  { name: 'classify-circle', task: 'classify', image: 'circle.png', why: 'top-5 of one shape' },
  { name: 'classify-square', task: 'classify', image: 'square.png', why: 'top-5 of one shape' },
  { name: 'classify-triangle', task: 'classify', image: 'triangle.png', why: 'top-5 of one shape' },
  { name: 'classify-bus', task: 'classify', image: 'bus.jpg', why: 'centre crop of a portrait photo' },
  {
    name: 'letterbox-tall',
    task: 'detect',
    image: 'tall.jpg',
    why: 'pads left and right, unevenly (43 / 44)',
  },
  {
    name: 'letterbox-wide',
    task: 'detect',
    image: 'wide.jpg',
    why: 'pads top and bottom, unevenly (43 / 44)',
  },
  { name: 'letterbox-tiny', task: 'detect', image: 'tiny.png', options: PHOTO, why: '8 × 8 px enlarged 20×' },
  {
    name: 'letterbox-exact',
    task: 'detect',
    image: 'exact.png',
    why: 'exactly the input size: no resize, no pad',
  },
  {
    name: 'letterbox-exif',
    task: 'detect',
    image: 'exif-rotated.jpg',
    why: 'EXIF orientation 6: the upright image is what is letterboxed',
  },
  {
    name: 'letterbox-icc',
    task: 'detect',
    image: 'icc-adobe-rgb.jpg',
    options: PHOTO,
    why: 'an Adobe RGB profile that cv2.imread (and so every runtime) ignores',
  },
];
