import type { DeployTestResult } from '../../../../electron/contract';

/** Round trip, the server's whole time and, inside it, the model's inference: three different figures, named. */
export function ServerTimes({ result }: { result: DeployTestResult }) {
  const server = result.timing['total_ms'];
  const inference = result.timing['inference_ms'];
  return (
    <span aria-label="Endpoint times">
      round trip {result.roundTripMs} ms
      {server !== undefined && ` · server ${server} ms (decode to answer)`}
      {inference !== undefined && ` · of which inference ${inference} ms`}
    </span>
  );
}
