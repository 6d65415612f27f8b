import { onnxMissingFacts, type ModelRecord } from '../../../electron/contract';
import { onnxMetadataRows, tensorRows, type TensorRow } from '../lib/onnx-details';

function TensorTable({ caption, rows }: { caption: string; rows: TensorRow[] }) {
  return (
    <table className="table tensor-table" aria-label={caption}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Shape</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.name}>
            <td>
              <code>{row.name}</code>
            </td>
            <td>{row.type}</td>
            <td>
              <code>{row.shape}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** An ONNX model's graph inputs/outputs, its own metadata as facts, and whether it can be used as it is. */
export function OnnxFacts({ model }: { model: ModelRecord }) {
  const inputs = tensorRows(model.details['inputs']);
  const outputs = tensorRows(model.details['outputs']);
  const metadata = onnxMetadataRows(model.details['metadata']);
  const missing = onnxMissingFacts(model);
  return (
    <>
      {missing.length === 0 ? (
        <p className="note" role="note">
          Kept as it is as export v1: preview it in the Playground, deploy it from its export. Converting it
          to other formats needs the .pt checkpoint it came from.
        </p>
      ) : (
        <p className="note note-warning" role="note">
          This ONNX file does not say its {missing.join(', ')}, so it cannot be deployed as it is. Open it in
          the Playground (“Open ONNX file…”) and give them there, or export it with Ultralytics, which writes
          them.
        </p>
      )}
      {(inputs.length > 0 || outputs.length > 0) && (
        <section aria-label="Inputs and outputs" className="tensors">
          <h3>Inputs and outputs</h3>
          <TensorTable caption="Inputs" rows={inputs} />
          <TensorTable caption="Outputs" rows={outputs} />
        </section>
      )}
      {metadata.length > 0 && (
        <section aria-label="ONNX metadata">
          <h3>From the file’s metadata</h3>
          <dl className="facts">
            {metadata.map(({ label, value, full }) => (
              <div key={label} className={value.length > 40 ? 'fact-wide' : undefined}>
                <dt>{label}</dt>
                <dd title={full === value ? undefined : full}>{value}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </>
  );
}
