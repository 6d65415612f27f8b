import { describe, expect, it } from 'vitest';
import {
  exportResultSchema,
  jobErrorFor,
  jobStatusFor,
  relocate,
  relocateInLine,
  toFormatResults,
} from './results';

const staging = '/home/exports/.staging/job1';
const final = '/home/exports/model1/v3';

describe('trainer results', () => {
  it('moves staging paths to the final folder and leaves other paths alone', () => {
    expect(relocate(`${staging}/model.onnx`, staging, final)).toBe(`${final}/model.onnx`);
    expect(relocate('sub/model.xml', staging, final)).toBe(`${final}/sub/model.xml`);
    expect(relocate('/elsewhere/model.onnx', staging, final)).toBe('/elsewhere/model.onnx');
    expect(relocate(null, staging, final)).toBeNull();
  });

  it('points log lines at the final folder, not the staging folder that is removed', () => {
    expect(relocateInLine(`artifact onnx: ${staging}/model.onnx (3.2 MB)`, staging, final)).toBe(
      `artifact onnx: ${final}/model.onnx (3.2 MB)`,
    );
    expect(relocateInLine(`saved ${staging}/a.onnx and ${staging}/b_openvino_model/`, staging, final)).toBe(
      `saved ${final}/a.onnx and ${final}/b_openvino_model/`,
    );
    expect(relocateInLine(`${staging}-other/model.onnx`, staging, final)).toBe(`${staging}-other/model.onnx`);
  });

  it('maps the result event to one FormatResult per requested format', () => {
    const result = exportResultSchema.parse({
      formats: {
        onnx: {
          status: 'passed',
          path: `${staging}/model.onnx`,
          bytes: 1234,
          parity: { max_abs: 2e-5, box_match: 1 },
          latency_ms: 12.5,
          duration_ms: 3000,
          error: null,
        },
        torchscript: { status: 'failed', path: null, error: { code: 'EXPORT_FAILED', message: 'boom' } },
      },
      metadata: `${staging}/metadata.json`,
    });
    const results = toFormatResults(result, ['onnx', 'torchscript', 'openvino'], staging, final);
    expect(results[0]).toEqual({
      format: 'onnx',
      status: 'passed',
      path: `${final}/model.onnx`,
      bytes: 1234,
      parity: { max_abs: 2e-5, box_match: 1 },
      latencyMs: 12.5,
      durationMs: 3000,
      error: null,
      note: null,
      calibration: null,
    });
    expect(results[1]).toMatchObject({ status: 'failed', error: { code: 'EXPORT_FAILED', hint: '' } });
    expect(results[2]).toMatchObject({
      format: 'openvino',
      status: 'failed',
      error: { code: 'FORMAT_NOT_REPORTED' },
    });
    expect(jobStatusFor(results)).toBe('partial');
    expect(jobErrorFor(results)?.code).toBe('EXPORT_FAILED');
  });

  it("keeps an INT8 format's calibration record and its warning", () => {
    const warning = "INT8: no calibration folder given, so calibrated on Ultralytics' 2 sample photos";
    const result = exportResultSchema.parse({
      formats: {
        onnx: {
          status: 'passed',
          calibration: {
            images: 2,
            source: '/py/ultralytics/assets',
            sample_photos: true,
            warning,
            method: 'QDQ',
          },
        },
      },
    });
    expect(toFormatResults(result, ['onnx'], staging, final)[0]?.calibration).toEqual({
      images: 2,
      source: '/py/ultralytics/assets',
      samplePhotos: true,
      warning,
      method: 'QDQ',
    });
  });

  it('calls a job completed, partial or failed by what it produced', () => {
    const r = (status: string, path: string | null) =>
      toFormatResults(
        exportResultSchema.parse({ formats: { onnx: { status, path } } }),
        ['onnx'],
        staging,
        final,
      );
    expect(jobStatusFor(r('passed', `${staging}/m.onnx`))).toBe('completed');
    expect(jobStatusFor(r('deferred', `${staging}/build.sh`))).toBe('completed');
    expect(jobStatusFor(r('failed_parity', `${staging}/m.onnx`))).toBe('partial');
    expect(jobErrorFor(r('failed_parity', `${staging}/m.onnx`))?.code).toBe('PARITY_FAILED');
    expect(jobStatusFor(r('failed', null))).toBe('failed');
    expect(jobStatusFor(r('something-new', `${staging}/m.onnx`))).toBe('failed');
  });
});
