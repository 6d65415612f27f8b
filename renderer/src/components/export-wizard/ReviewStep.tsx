import { modelStride, type FormatCapability, type ModelRecord } from '../../../../electron/contract';
import { PRECISION_LABEL, takesOption, type ExportDraft } from '../../lib/export-plan';
import { formatImgsz } from '../../lib/format';
import { finalPredictionsWord } from '../../lib/parity-words';
import { imgszExported, imgszWarning } from '../../lib/validation';
import { FactList } from '../FactList';

export function ReviewStep({
  model,
  draft,
  chosen,
  asIs = false,
}: {
  model: ModelRecord;
  draft: ExportDraft;
  chosen: FormatCapability[];
  asIs?: boolean;
}) {
  if (asIs) {
    const rows: [string, string][] = [
      ['Model', `${model.name} (ONNX, ${model.task ?? 'task unknown'}, ${formatImgsz(model.imgsz)})`],
      ['Format', 'ONNX, kept as it is (input size and precision are fixed in the file)'],
      ['Version tag', draft.versionTag.trim() || '—'],
      ['Check', 'None: the file is not converted, so there is nothing to compare it with.'],
    ];
    return <FactList rows={rows} className="review" />;
  }
  const stride = modelStride(model.details);
  const size = imgszExported(draft.imgsz, stride) ?? draft.imgsz;
  const rounded = imgszWarning(draft.imgsz, stride);
  const rows: [string, string][] = [
    ['Model', `${model.name} (${model.task ?? model.framework}, trained at ${formatImgsz(model.imgsz)})`],
    [chosen.length > 1 ? 'Formats' : 'Format', chosen.map((f) => f.label).join(', ')],
    ['Image size', `${size} × ${size}${rounded ? ` (${rounded})` : ''}`],
    ['Precision', PRECISION_LABEL[draft.precision]],
  ];
  if (draft.precision === 'int8')
    rows.push(['Calibration', draft.calibDir.trim() || 'Ultralytics’ sample photos (a warning is recorded)']);
  if (takesOption(chosen, 'simplify')) rows.push(['Simplify graph', draft.simplify ? 'Yes' : 'No']);
  rows.push(['Version tag', draft.versionTag.trim() || '—']);
  if (draft.validationData.trim()) rows.push(['Accuracy on', draft.validationData.trim()]);
  if (draft.runOn) rows.push(['Runs on', `${draft.runOn} (a Kubernetes Job; files come back here)`]);
  const structural = chosen.filter((f) => !f.runnableHere).map((f) => f.label);
  rows.push([
    'Check',
    `Compared with the PyTorch model on real images: raw outputs, ${finalPredictionsWord(model.task)}, latency` +
      (structural.length ? `; ${structural.join(', ')}: structural check only (not runnable here).` : '.'),
  ]);
  return <FactList rows={rows} className="review" />;
}
