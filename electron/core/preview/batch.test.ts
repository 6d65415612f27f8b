import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewFinished, PreviewItem, PreviewProgress } from '../../contract';
import { previewService, scratch, solidPng, tinyDetector } from './test-support';

let work: ReturnType<typeof scratch>;
let preview: ReturnType<typeof previewService>;
let model: string;
let folder: string;

beforeAll(async () => {
  work = scratch();
  preview = previewService(work.dir);
  model = work.write('tiny.onnx', tinyDetector());
  folder = path.join(work.dir, 'photos');
  const png = await solidPng(640, 480);
  // 1 000 photo-sized images (900 KB each once decoded: a leak would show) in nested folders, a file that only pretends to be one, and files that are not images at all.
  for (let i = 0; i < 999; i++)
    work.write(`photos/${i % 4 === 0 ? 'sub/' : ''}img-${String(i).padStart(4, '0')}.png`, png);
  work.write('photos/broken.png', 'not a png');
  work.write('photos/readme.txt', 'notes');
  work.write('photos/.hidden.png', png);
});

afterAll(async () => {
  await preview.close();
  work.cleanup();
});

function record(runId: () => string) {
  const items: PreviewItem[] = [];
  const progress: PreviewProgress[] = [];
  let resolveFinished: (f: PreviewFinished) => void;
  const finished = new Promise<PreviewFinished>((resolve) => (resolveFinished = resolve));
  const offs = [
    preview.events.on('preview:item', (i) => i.runId === runId() && items.push(i)),
    preview.events.on('preview:progress', (p) => p.runId === runId() && progress.push(p)),
    preview.events.on('preview:finished', (f) => f.runId === runId() && resolveFinished(f)),
  ];
  return { items, progress, finished, off: () => offs.forEach((off) => off()) };
}

describe('a folder of 1 000 images', () => {
  it('runs every image with progress, reports the bad one, and keeps memory flat', async () => {
    let runId = '';
    const seen = record(() => runId);
    const rss: number[] = [];
    const sample = preview.events.on('preview:progress', (p) => {
      if (p.done % 100 === 0) rss.push(process.memoryUsage().rss);
    });
    const started = await preview.service.batch(model, [folder], {});
    runId = started.runId;
    expect(started).toMatchObject({ total: 1000, skipped: 1 });
    const finished = await seen.finished;
    sample();
    seen.off();
    expect(finished).toMatchObject({ status: 'completed', done: 1000, failed: 1, total: 1000 });
    expect(seen.progress.map((p) => p.done)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    const broken = seen.items.filter((i) => i.error);
    expect(broken.map((i) => [i.name, i.error!.code])).toEqual([['broken.png', 'NOT_AN_IMAGE']]);
    expect(seen.items.filter((i) => i.summary?.count === 2)).toHaveLength(999);
    // After the first 200 images the process does not grow with the number of images seen.
    const settled = rss.slice(2);
    expect((Math.max(...settled) - settled[0]!) / 1024 ** 2).toBeLessThan(60);
  });

  it('stops when cancelled, saying how far it got', async () => {
    let runId = '';
    const seen = record(() => runId);
    const cancelAt = preview.events.on('preview:progress', (p) => {
      if (p.runId === runId && p.done === 50) preview.service.cancel(runId);
    });
    runId = (await preview.service.batch(model, [folder], { conf: 0.5 })).runId;
    const finished = await seen.finished;
    cancelAt();
    seen.off();
    expect(finished.status).toBe('cancelled');
    expect(finished.done).toBe(50);
    expect(seen.items).toHaveLength(50);
    expect(preview.service.cancel(runId)).toEqual({ cancelled: false });
  });

  it('refuses a batch with nothing to run, or a path that does not exist', async () => {
    const empty = path.join(work.dir, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'x');
    await expect(preview.service.batch(model, [empty], {})).rejects.toMatchObject({ code: 'NO_IMAGES' });
    await expect(preview.service.batch(model, [path.join(work.dir, 'missing')], {})).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
    });
  });
});
