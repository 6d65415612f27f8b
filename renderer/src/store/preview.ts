import type {
  PreviewFinished,
  PreviewItem,
  PreviewOptions,
  PreviewProgress,
} from '../../../electron/contract';
import { toErrorShape } from '../host';
import type { PreviewImage, PreviewSlice, PreviewSlot, SliceContext, SlotId } from './types';

const RECENT_RESULTS = 20;
/** Up to this many images, new thresholds also refresh every image's count (cheap: outputs are reused). */
const RECOUNT_LIMIT = 200;
const UPLOAD_CONCURRENCY = 4;

/** The dropped files by image id, and object URLs made only for images that are shown. */
const droppedFiles = new Map<string, File>();
const objectUrls = new Map<string, string>();

/** An object URL for drawing the image (made on first use: a dropped folder may hold thousands). */
export function imageUrl(imageId: string): string | null {
  let url = objectUrls.get(imageId);
  const file = droppedFiles.get(imageId);
  if (!url && file) {
    url = URL.createObjectURL(file);
    objectUrls.set(imageId, url);
  }
  return url ?? null;
}

function forgetFiles(): void {
  for (const url of objectUrls.values()) URL.revokeObjectURL(url);
  objectUrls.clear();
  droppedFiles.clear();
}

export function emptySlot(): PreviewSlot {
  return {
    path: null,
    label: null,
    model: null,
    opening: false,
    error: null,
    results: {},
    summaries: {},
    failures: {},
    runId: null,
    run: null,
  };
}

export function createPreviewSlice({ set, get, host }: SliceContext): PreviewSlice {
  let nextImageId = 1;
  let predictTimer: ReturnType<typeof setTimeout> | null = null;
  let recountTimer: ReturnType<typeof setTimeout> | null = null;
  // Events can arrive before the invoke that started their run has answered: keep them until it has.
  const early = new Map<string, (PreviewItem | PreviewProgress | PreviewFinished)[]>();
  // Batch items arrive hundreds per second; they are folded into the store a few times per second.
  let queued: PreviewItem[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;

  const patchSlot = (id: SlotId, patch: (slot: PreviewSlot) => Partial<PreviewSlot>) =>
    set((s) => ({ slots: { ...s.slots, [id]: { ...s.slots[id], ...patch(s.slots[id]) } } }));
  const isReady = (slot: PreviewSlot) => !!slot.path && !!slot.model && slot.model.needs.length === 0;
  const activeSlots = (): SlotId[] =>
    (get().compare ? (['a', 'b'] as SlotId[]) : (['a'] as SlotId[])).filter((id) => isReady(get().slots[id]));
  const slotOfRun = (runId: string): SlotId | null =>
    (['a', 'b'] as SlotId[]).find((id) => get().slots[id].runId === runId) ?? null;
  const options = (): PreviewOptions => {
    const t = get().thresholds;
    return { conf: t.conf, iou: t.iou, ...(t.classes ? { classes: t.classes } : {}) };
  };
  const selectedImage = (): PreviewImage | null =>
    get().images.find((i) => i.id === get().selectedImageId) ?? null;

  async function predictOn(id: SlotId, image: PreviewImage): Promise<void> {
    const slot = get().slots[id];
    if (!isReady(slot) || !image.path) return;
    const modelPath = slot.path;
    try {
      const result = await host.invoke('preview:predict', {
        model: modelPath!,
        image: image.path,
        options: options(),
      });
      if (get().slots[id].path !== modelPath) return;
      patchSlot(id, (s) => {
        const results = { ...s.results };
        delete results[image.path!];
        results[image.path!] = result;
        const keys = Object.keys(results);
        for (const old of keys.slice(0, Math.max(0, keys.length - RECENT_RESULTS))) delete results[old];
        const failures = { ...s.failures };
        delete failures[image.path!];
        return { results, failures };
      });
    } catch (error) {
      if (get().slots[id].path !== modelPath) return;
      patchSlot(id, (s) => ({ failures: { ...s.failures, [image.path!]: toErrorShape(error) } }));
    }
  }

  async function predictSelected(): Promise<void> {
    const image = selectedImage();
    if (image?.path) await Promise.all(activeSlots().map((id) => predictOn(id, image)));
  }

  async function startRun(id: SlotId): Promise<void> {
    const slot = get().slots[id];
    const paths = get()
      .images.map((i) => i.path)
      .filter((p): p is string => !!p);
    if (!isReady(slot) || paths.length === 0) return;
    if (slot.runId && slot.run?.status === 'running')
      await host.invoke('preview:cancel', { runId: slot.runId }).catch(() => undefined);
    try {
      const started = await host.invoke('preview:batch', {
        model: slot.path!,
        inputs: paths,
        options: options(),
      });
      patchSlot(id, () => ({
        runId: started.runId,
        run: { runId: started.runId, done: 0, failed: 0, total: started.total, status: 'running' },
        summaries: {},
        failures: {},
      }));
      for (const event of early.get(started.runId) ?? []) replay(event);
      early.delete(started.runId);
    } catch (error) {
      patchSlot(id, () => ({ error: toErrorShape(error) }));
    }
  }

  function replay(event: PreviewItem | PreviewProgress | PreviewFinished) {
    if ('status' in event) get().applyPreviewFinished(event);
    else if ('index' in event) get().applyPreviewItem(event);
    else get().applyPreviewProgress(event);
  }

  function keepEarly(runId: string, event: PreviewItem | PreviewProgress | PreviewFinished): void {
    const list = early.get(runId) ?? [];
    if (list.length < 5000) list.push(event);
    early.set(runId, list);
  }

  function flushItems(): void {
    flushTimer = null;
    const items = queued;
    queued = [];
    for (const id of ['a', 'b'] as SlotId[]) {
      const mine = items.filter((i) => i.runId === get().slots[id].runId);
      if (mine.length === 0) continue;
      patchSlot(id, (s) => {
        const summaries = { ...s.summaries };
        const failures = { ...s.failures };
        for (const item of mine) {
          if (item.summary) summaries[item.path] = item.summary;
          if (item.error) failures[item.path] = item.error;
        }
        return { summaries, failures };
      });
    }
  }

  return {
    slots: { a: emptySlot(), b: emptySlot() },
    compare: false,
    images: [],
    selectedImageId: null,
    thresholds: { conf: 0.25, iou: 0.7, classes: null },
    preparing: null,
    onnxChoices: [],

    async loadOnnxChoices() {
      try {
        const [models, jobs] = await Promise.all([
          host.invoke('models:list', {}),
          host.invoke('exports:list', {}),
        ]);
        const names = new Map(models.map((m) => [m.id, m.name]));
        const onnxModels = new Set(models.filter((m) => m.framework === 'onnx').map((m) => m.id));
        const choices = jobs.flatMap((job) =>
          job.results
            .filter((r) => r.format === 'onnx' && r.path)
            .map((r) => {
              // An ONNX model kept as it is: its precision is whatever the file has.
              const precision = onnxModels.has(job.modelId)
                ? 'as added'
                : job.optimizationConfig.int8
                  ? 'int8'
                  : job.optimizationConfig.half
                    ? 'fp16'
                    : 'fp32';
              const tag = job.versionTag ? ` “${job.versionTag}”` : '';
              return {
                path: r.path!,
                label: `${names.get(job.modelId) ?? 'model'} v${job.version}${tag} · ONNX ${precision}`,
              };
            }),
        );
        set({ onnxChoices: choices });
      } catch (error) {
        const e = toErrorShape(error);
        get().notify({ kind: 'error', text: e.message, hint: e.hint });
      }
    },

    async openSlotModel(id, path, label) {
      const previous = get().slots[id].path;
      patchSlot(id, () => ({ ...emptySlot(), path, label, opening: true }));
      if (previous && previous !== path && previous !== get().slots[id === 'a' ? 'b' : 'a'].path)
        void host.invoke('preview:release', { model: previous }).catch(() => undefined);
      try {
        const model = await host.invoke('preview:open', { path });
        if (get().slots[id].path !== path) return;
        patchSlot(id, () => ({ model, opening: false }));
        if (id === 'a' && model.needs.length === 0)
          set({ thresholds: { conf: model.defaults.conf, iou: model.defaults.iou, classes: null } });
        if (model.needs.length === 0) {
          void predictSelected();
          void startRun(id);
        }
      } catch (error) {
        if (get().slots[id].path === path)
          patchSlot(id, () => ({ opening: false, error: toErrorShape(error) }));
      }
    },

    async openSlotModelFile(id, file) {
      patchSlot(id, () => ({ ...emptySlot(), label: file.name, opening: true }));
      try {
        const path = await host.fileToPath(file);
        await get().openSlotModel(id, path, file.name);
      } catch (error) {
        patchSlot(id, () => ({ opening: false, error: toErrorShape(error) }));
      }
    },

    async answerSlotFacts(id, answers) {
      const slot = get().slots[id];
      if (!slot.path) return;
      try {
        const model = await host.invoke('preview:describe', {
          path: slot.path,
          ...(answers.task ? { task: answers.task } : {}),
          ...(answers.names ? { names: answers.names } : {}),
          ...(answers.imgsz ? { imgsz: answers.imgsz } : {}),
        });
        patchSlot(id, () => ({ model, error: null }));
        if (model.needs.length === 0) {
          void predictSelected();
          void startRun(id);
        }
      } catch (error) {
        patchSlot(id, () => ({ error: toErrorShape(error) }));
      }
    },

    setCompare(on) {
      set({ compare: on });
      if (on && isReady(get().slots.b)) {
        void predictSelected();
        void startRun('b');
      }
    },

    async addImages(files) {
      if (files.length === 0) return;
      const fresh: (PreviewImage & { file: File })[] = files.map((file) => ({
        id: `img-${nextImageId++}`,
        name: file.name,
        path: null,
        error: null,
        file,
      }));
      for (const image of fresh) droppedFiles.set(image.id, image.file);
      set((s) => ({
        images: [...s.images, ...fresh.map(({ file: _file, ...image }) => image)],
        selectedImageId: s.selectedImageId ?? fresh[0]!.id,
        preparing: { done: 0, total: fresh.length },
      }));
      const resolved = new Map<string, Pick<PreviewImage, 'path' | 'error'>>();
      const flush = () => {
        if (resolved.size === 0) return;
        const updates = new Map(resolved);
        resolved.clear();
        set((s) => ({
          images: s.images.map((i) => (updates.has(i.id) ? { ...i, ...updates.get(i.id)! } : i)),
          preparing: s.preparing ? { ...s.preparing, done: s.preparing.done + updates.size } : null,
        }));
        const selected = get().selectedImageId;
        if (selected && updates.get(selected)?.path) void predictSelected();
      };
      const flusher = setInterval(flush, 100);
      let next = 0;
      const worker = async () => {
        while (next < fresh.length) {
          const image = fresh[next++]!;
          try {
            resolved.set(image.id, { path: await host.fileToPath(image.file), error: null });
          } catch (error) {
            resolved.set(image.id, { path: null, error: toErrorShape(error) });
          }
          // The first image shows as soon as it is ready, not after the whole folder.
          if (image === fresh[0]) flush();
        }
      };
      try {
        await Promise.all(Array.from({ length: UPLOAD_CONCURRENCY }, worker));
      } finally {
        clearInterval(flusher);
        flush();
        set({ preparing: null });
      }
      await Promise.all(activeSlots().map((id) => startRun(id)));
    },

    selectImage(id) {
      set({ selectedImageId: id });
      void predictSelected();
    },

    clearImages() {
      void get().cancelRuns();
      forgetFiles();
      set((s) => ({
        images: [],
        selectedImageId: null,
        slots: {
          a: { ...s.slots.a, results: {}, summaries: {}, failures: {}, runId: null, run: null },
          b: { ...s.slots.b, results: {}, summaries: {}, failures: {}, runId: null, run: null },
        },
      }));
    },

    setThresholds(patch) {
      set((s) => ({ thresholds: { ...s.thresholds, ...patch } }));
      if (predictTimer) clearTimeout(predictTimer);
      predictTimer = setTimeout(() => void predictSelected(), 60);
      if (recountTimer) clearTimeout(recountTimer);
      recountTimer = setTimeout(() => {
        if (get().images.length <= RECOUNT_LIMIT) for (const id of activeSlots()) void startRun(id);
      }, 500);
    },

    async cancelRuns() {
      await Promise.all(
        (['a', 'b'] as SlotId[]).map((id) => {
          const slot = get().slots[id];
          return slot.runId && slot.run?.status === 'running'
            ? host.invoke('preview:cancel', { runId: slot.runId }).catch(() => undefined)
            : undefined;
        }),
      );
    },

    applyPreviewItem(item) {
      if (!slotOfRun(item.runId)) return keepEarly(item.runId, item);
      queued.push(item);
      flushTimer ??= setTimeout(flushItems, 150);
    },

    applyPreviewProgress(progress) {
      const id = slotOfRun(progress.runId);
      if (!id) return keepEarly(progress.runId, progress);
      const run = get().slots[id].run;
      // Progress comes with every image; the bar only needs a few updates per second.
      if (
        run &&
        run.done < progress.total &&
        progress.done - run.done < 10 &&
        progress.done !== progress.total
      )
        return;
      patchSlot(id, (s) => ({ run: { ...progress, status: s.run?.status ?? 'running' } }));
    },

    applyPreviewFinished(finished) {
      const id = slotOfRun(finished.runId);
      if (!id) return keepEarly(finished.runId, finished);
      flushItems();
      patchSlot(id, () => ({
        run: {
          runId: finished.runId,
          done: finished.done,
          failed: finished.failed,
          total: finished.total,
          status: finished.status,
        },
        ...(finished.error ? { error: finished.error } : {}),
      }));
    },
  };
}
