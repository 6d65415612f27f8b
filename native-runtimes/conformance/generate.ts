// `npm run gen:conformance`: regenerates the conformance vectors in this folder (README.md) with the reference
// runtime: exports the fixture checkpoints to ONNX through the real CLI (needs the toolchain), makes the images, and
// writes every case. Running it twice changes nothing; review the diff whenever it does change something.
import fs from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { buildConformanceCase } from '../typescript/conformance-case';
import { openConformanceModel, type ConformanceModel } from '../typescript/conformance-model';
import { readCaseModel, writeConformanceCase, writeConformanceIndex } from '../typescript/conformance-files';
import { CASES } from './cases';
import { makeImages, REPO } from './images';
import { exportModels } from './models';

const FOLDER = path.join(REPO, 'native-runtimes', 'conformance');

async function formatJson(value: unknown): Promise<string> {
  const options = await prettier.resolveConfig(path.join(FOLDER, 'index.json'));
  return prettier.format(JSON.stringify(value), { ...options, parser: 'json' });
}

async function main(): Promise<void> {
  exportModels(FOLDER);
  await makeImages(FOLDER);
  const models = new Map<string, ConformanceModel>();
  const names = CASES.map((c) => c.name);
  for (const spec of CASES) {
    const modelPath = `models/${spec.task}`;
    let model = models.get(modelPath);
    if (!model) {
      model = openConformanceModel(readCaseModel(FOLDER, modelPath));
      models.set(modelPath, model);
    }
    const imagePath = `images/${spec.image}`;
    const built = await buildConformanceCase(model, {
      name: spec.name,
      imagePath,
      imageBytes: new Uint8Array(fs.readFileSync(path.join(FOLDER, imagePath))),
      options: spec.options,
    });
    const count = built.caseJson.predictions.length;
    if (count === 0 && !spec.mayBeEmpty) {
      throw new Error(`Case ${spec.name} has no predictions; give it an image or options that have some.`);
    }
    await writeConformanceCase(FOLDER, built, formatJson);
    console.log(`${spec.name}: ${count} prediction(s)`);
  }
  for (const model of models.values()) await model.release();
  removeStaleCases(names);
  await writeConformanceIndex(FOLDER, names, formatJson);
  console.log(`${names.length} cases written to ${path.relative(REPO, FOLDER)}/`);
}

/** Case folders no longer generated (a renamed or dropped case) go, so the folder holds exactly index.json's. */
function removeStaleCases(names: string[]): void {
  const cases = path.join(FOLDER, 'cases');
  for (const entry of fs.readdirSync(cases)) {
    if (!names.includes(entry)) fs.rmSync(path.join(cases, entry), { recursive: true, force: true });
  }
}

await main();
