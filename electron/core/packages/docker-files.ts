/** The generated text files of a Docker package: docker-compose.yml, the server's requirements.txt and README.md. */
import type { ExportJob } from '../../contract';

export interface DockerFacts {
  job: ExportJob;
  modelName: string;
  /** The model's name in Triton (its folder in model_repository/, its URL). */
  tritonName: string;
  /** The ONNX file's name, as metadata.json names it. */
  modelFile: string;
  task: string;
}

/** The inference runtimes the wrapper can use: Triton runs the model here, so the server installs none of them. */
const RUNTIME_PACKAGES = /^(onnxruntime|openvino|ai-edge-litert)==/;

export function serverRequirements(wrapperRequirements: string): string {
  const pins = wrapperRequirements
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && !RUNTIME_PACKAGES.test(line));
  return `# The server's packages (the Python wrapper's pins, without an inference runtime: Triton runs the model).\n${pins.join('\n')}\n`;
}

/** Text for a comment line: a model name with a line break would otherwise end the comment. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ');

/** A YAML double-quoted scalar (JSON's string syntax is one). */
const yaml = (text: string) => JSON.stringify(text);

export function composeFile(facts: DockerFacts): string {
  return `${[
    `# ${oneLine(facts.modelName)} v${facts.job.version} (Edgepack export ${facts.job.id}): Triton Inference Server and the HTTP`,
    '# server answering POST /v1/infer. Start: docker compose up --build',
    'services:',
    '  triton:',
    '    build:',
    '      context: .',
    '      dockerfile: triton/Dockerfile',
    '    ports:',
    '      # Triton\'s own HTTP API, e.g. for Ultralytics: YOLO("http://localhost:8000/<model>")',
    '      - "8000:8000"',
    '    restart: unless-stopped',
    '  server:',
    '    build:',
    '      context: server',
    '    environment:',
    '      TRITON_URL: "http://triton:8000"',
    `      MODEL_NAME: ${yaml(facts.tritonName)}`,
    `      MODEL_FILE: ${yaml(facts.modelFile)}`,
    `      MODEL_VERSION: "${facts.job.version}"`,
    '    ports:',
    '      - "8080:8080"',
    '    depends_on:',
    '      triton:',
    '        condition: service_healthy',
    '    restart: unless-stopped',
  ].join('\n')}\n`;
}

export function dockerReadme(facts: DockerFacts): string {
  const { job, modelName, tritonName, task } = facts;
  return `${[
    `# ${modelName} v${job.version}: Edgepack Docker package`,
    '',
    `A ${task} model exported by Edgepack (export \`${job.id}\`), served by Triton Inference Server behind a small HTTP server that does the pre- and post-processing with Edgepack's Python wrapper and answers like Edgepack's endpoint (\`POST /v1/infer\`): the same predictions as the app and \`edgepack predict --json\`.`,
    '',
    '## Run',
    '',
    '```sh',
    'docker compose up --build',
    '```',
    '',
    'Then, from another shell (JSON with the photo in base64, or the raw bytes with options in the query string):',
    '',
    '```sh',
    `curl -s -X POST http://localhost:8080/v1/infer -H 'Content-Type: application/json' \\`,
    `  -d "{\\"image\\": \\"$(base64 -w0 photo.jpg)\\", \\"confidence_threshold\\": 0.25}"`,
    `curl -s -X POST 'http://localhost:8080/v1/infer?confidence_threshold=0.25' -H 'Content-Type: image/jpeg' --data-binary @photo.jpg`,
    '```',
    '',
    'The answer: `{"deployment_id", "model_version", "task", "image": {"width", "height"}, "predictions": [{"class", "class_id", "confidence", "bbox", ...}], "timing"}`; an error: `{"error": {"code", "message", "hint"}}`. Options: `confidence_threshold`, `iou_threshold`, `max_detections`, `classes`, `agnostic_nms`, `top_k` (classification). `GET /health` says whether Triton serves the model.',
    '',
    `Triton's own API is on port 8000; Ultralytics reads the model's names, input size and task from its config: \`YOLO("http://localhost:8000/${tritonName}", task="${task}")\`.`,
    '',
    '## Inside',
    '',
    '| path | what |',
    '| --- | --- |',
    `| \`model_repository/${tritonName}/\` | Triton's model repository: \`config.pbtxt\` (ONNX Runtime backend, CPU; the Ultralytics \`metadata\` parameter) and \`1/model.onnx\` |`,
    '| `triton/Dockerfile` | Triton (`nvcr.io/nvidia/tritonserver`, pinned tag) with the repository copied in, run as its non-root user |',
    "| `server/` | the HTTP server (`server.py`, `infer_request.py`, `triton_http.py`: standard library plus the wrapper's numpy and OpenCV), the Python wrapper's modules, `metadata.json`, pinned `requirements.txt`, its Dockerfile (non-root) |",
    '| `docker-compose.yml` | both services; the server waits for Triton to be healthy |',
    "| `manifest.json` | every other file's size and SHA-256, the Edgepack version, the export id |",
    '',
    '## What was checked, and what was not',
    '',
    "Checked by Edgepack's tests: `config.pbtxt` parses with Triton's own schema (`model_config_pb2`) and Ultralytics' Triton reader recovers the names, input size and task from it; both Dockerfiles pass hadolint; `docker-compose.yml` validates against the Compose specification's schema; `server.py`, run as a plain process against a real `tritonserver` serving this model, answers a real photo with exactly what `edgepack predict --json` prints.",
    '',
    "Never run there: the containers themselves (no Docker engine in Edgepack's test machines). The images were not pulled or built, and that test's tritonserver ran the model through its Python backend rather than the ONNX Runtime backend this package's `config.pbtxt` names. Run `docker compose up --build` once and the curl above before relying on it.",
    '',
    'To use a GPU, give the `triton` service a device reservation and set `instance_group` `kind: KIND_GPU` in `config.pbtxt`.',
  ].join('\n')}\n`;
}
