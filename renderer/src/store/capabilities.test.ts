import { describe, expect, it } from 'vitest';
import type { CapabilityMatrix } from '../../../electron/contract';
import { createAppStore } from './index';
import { scriptedHost } from './scripted-host';

function matrix(toolchainReady: boolean, label = 'ONNX'): CapabilityMatrix {
  return {
    framework: 'ultralytics',
    toolchainReady,
    probedAt: '2026-01-01T00:00:00.000Z',
    formats: [
      {
        id: 'onnx',
        label,
        runtime: 'onnxruntime (CPUExecutionProvider)',
        environment: 'ultralytics',
        converter: { installed: toolchainReady, packages: {} },
        buildableHere: toolchainReady,
        deferred: false,
        runnableHere: true,
        reason: toolchainReady ? null : 'Run `npx edgepack doctor --fix`.',
        precisions: ['fp32', 'fp16', 'int8'],
        note: '',
        tasks: { detect: { supported: true, quality: 'excellent' } },
        exportOptions: {},
        optimizationOptions: {},
      },
    ],
  };
}

const asked = (calls: [string, unknown][], channel: string) => calls.filter(([c]) => c === channel);

describe('capabilities slice', () => {
  it('asks once for a probed matrix, again when there was no toolchain, and probes again on refresh', async () => {
    let ready = false;
    const { host, calls } = scriptedHost({ 'capabilities:get': () => matrix(ready) });
    const store = createAppStore(host);
    await store.getState().loadCapabilities();
    expect(store.getState().capabilities?.toolchainReady).toBe(false);
    ready = true;
    await store.getState().loadCapabilities();
    await store.getState().loadCapabilities();
    expect(store.getState().capabilities?.toolchainReady).toBe(true);
    expect(asked(calls, 'capabilities:get')).toEqual([
      ['capabilities:get', { framework: 'ultralytics', refresh: false }],
      ['capabilities:get', { framework: 'ultralytics', refresh: false }],
    ]);
    await store.getState().loadCapabilities(true);
    expect(asked(calls, 'capabilities:get').at(-1)?.[1]).toEqual({ framework: 'ultralytics', refresh: true });
  });

  it('opening the wizard loads the matrix and clears the last calibration folder', async () => {
    const { host, calls } = scriptedHost({ 'capabilities:get': () => matrix(true) });
    const store = createAppStore(host);
    store.getState().setCalibDir('/old/calib');
    store.getState().openWizard();
    expect(store.getState().calibDir).toBe('');
    await expect.poll(() => store.getState().capabilities?.formats[0]?.label).toBe('ONNX');
    expect(asked(calls, 'capabilities:get')).toHaveLength(1);
  });

  it('keeps the error when the probe fails, so the wizard can say it and ask again', async () => {
    const { host } = scriptedHost({
      'capabilities:get': () => {
        throw { code: 'CAPABILITIES_PROBE_FAILED', message: 'exit 1', hint: 'Run `npx edgepack doctor`.' };
      },
    });
    const store = createAppStore(host);
    await store.getState().loadCapabilities();
    expect(store.getState().capabilitiesError?.code).toBe('CAPABILITIES_PROBE_FAILED');
    expect(store.getState().loadingCapabilities).toBe(false);
  });

  it('probes again after the toolchain was installed (its converters change what builds here)', async () => {
    const { host, calls } = scriptedHost({
      'toolchain:ensure': () => ({ ok: true }),
      'capabilities:get': () => matrix(true),
    });
    const store = createAppStore(host);
    await store.getState().ensureToolchain();
    await expect
      .poll(() => asked(calls, 'capabilities:get').at(-1)?.[1])
      .toEqual({
        framework: 'ultralytics',
        refresh: true,
      });
  });
});

describe('calibration slice', () => {
  it('web harness: uploads only the images, into one folder, and uses that folder', async () => {
    const uploaded: string[][] = [];
    const { host } = scriptedHost(
      {},
      {
        filesToFolder: async (files) => {
          uploaded.push(files.map((f) => f.name));
          return '/home/uploads/f1';
        },
      },
    );
    const store = createAppStore(host);
    expect(store.getState().canUploadFolder).toBe(true);
    expect(store.getState().canPickFolder).toBe(false);
    await store
      .getState()
      .uploadCalibrationImages([
        new File(['a'], 'a.jpg'),
        new File(['n'], 'notes.txt'),
        new File(['b'], 'b.PNG'),
      ]);
    expect(uploaded).toEqual([['a.jpg', 'b.PNG']]);
    expect(store.getState()).toMatchObject({
      calibDir: '/home/uploads/f1',
      calibImages: 2,
      calibBusy: false,
    });
  });

  it('refuses a choice without images, saying what to choose', async () => {
    const { host } = scriptedHost({}, { filesToFolder: async () => '/never' });
    const store = createAppStore(host);
    await store.getState().uploadCalibrationImages([new File(['n'], 'notes.txt')]);
    expect(store.getState().calibDir).toBe('');
    expect(store.getState().calibError).toMatchObject({
      code: 'NO_IMAGES',
      hint: expect.stringContaining('.jpg'),
    });
  });

  it('desktop: the folder dialog fills the path; cancelling keeps what was there', async () => {
    const answers = ['/photos/calib', null];
    const { host } = scriptedHost({}, { pickFolder: async () => answers.shift() ?? null });
    const store = createAppStore(host);
    await store.getState().pickCalibrationFolder();
    expect(store.getState().calibDir).toBe('/photos/calib');
    await store.getState().pickCalibrationFolder();
    expect(store.getState().calibDir).toBe('/photos/calib');
  });
});
