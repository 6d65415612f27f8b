#!/usr/bin/env node
// The Swift wrapper's suite here (no Swift compiler can be had on these machines; `swift test` on a Mac runs the
// XCTests): every Swift file parses (tree-sitter-swift), metadata keys match the schema, the core imports Foundation
// only, Package.swift's targets and resources and ship.json hold, the generated conformance tests and their copied
// vectors are fresh — and the checker is shown to fail on a broken file and on wrong metadata keys.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimesPython } from '../../scripts/runtimes-python.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = path.resolve(here, '../../resources/schemas/metadata.schema.json');
const checker = path.join(here, 'check_swift.py');
const python = runtimesPython();

let failures = 0;
let passes = 0;
function check(name, ok, detail = '') {
  if (ok) passes++;
  else failures++;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail ? `\n${detail.trimEnd().replace(/^/gm, '     ')}` : ''}`,
  );
}

function run(command, args) {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const packageCheck = run(python, [checker, 'package', here, schema]);
check(
  'Swift files parse; metadata keys, core imports, targets, resources, ship.json',
  packageCheck.status === 0,
  packageCheck.output,
);
if (packageCheck.status === 0) console.log(`     ${packageCheck.output.trim()}`);

const fresh = run(process.execPath, [path.join(here, 'generate-tests.mjs'), '--check']);
check('generated conformance tests and copied vectors are fresh', fresh.status === 0, fresh.output);

// The checker itself: it must pass a valid file, and fail, naming file and line, on what a compiler would refuse.
const metadataWithWrongKeys = [
  '/// metadata.json: #/$defs/document/properties/postprocessing/properties/nms',
  'struct Nms: Codable {',
  '    let conf: Double',
  '    let maxDetections: Int',
  '    enum CodingKeys: String, CodingKey {',
  '        case conf',
  '        case maxDetections = "max_detections"',
  '    }',
  '}',
  '/// metadata.json: #/$defs/document/properties/preprocessing/properties/resize',
  'struct Resize: Codable {',
  '    let mode: String',
  '    let padValue: Int',
  '    enum CodingKeys: String, CodingKey {',
  '        case mode',
  '        case padValue = "pad_value"',
  '    }',
  '}',
  '',
].join('\n');
const checkerCases = [
  {
    name: 'checker passes a valid file',
    file: 'good.swift',
    source: 'import Foundation\n\nfunc twice(_ x: Int) -> Int {\n    x * 2\n}\n',
    fails: false,
  },
  {
    name: 'checker fails a broken file with file:line',
    file: 'broken.swift',
    source: 'import Foundation\n\nfunc twice(_ x: Int -> Int {\n    x * 2\n}\n',
    says: [':3:'],
  },
  {
    name: 'checker fails a missing brace',
    file: 'unclosed.swift',
    source: 'struct A {\n    let x: Int\n',
    says: [':'],
  },
  {
    name: 'checker fails a `try` right of an operator (parses, but Swift refuses it)',
    file: 'late-try.swift',
    source: 'func f() throws -> Int { 1 }\nlet x = true ? 0 : try f()\n',
    says: [':2:'],
  },
  {
    name: 'checker fails a key the schema lacks, and a required read of an optional key',
    file: 'Metadata.swift',
    source: metadataWithWrongKeys,
    mode: 'metadata',
    says: ["'max_detections' is not a property", "'pad_value' is optional in the schema"],
  },
];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-swift-check-'));
try {
  for (const c of checkerCases) {
    const file = path.join(scratch, c.file);
    fs.writeFileSync(file, c.source);
    const args = c.mode === 'metadata' ? [checker, 'metadata', file, schema] : [checker, 'parse', file];
    const r = run(python, args);
    const ok =
      c.fails === false
        ? r.status === 0
        : r.status === 1 &&
          c.says.every((text) => r.output.includes(text.startsWith(':') ? `${file}${text}` : text));
    check(c.name, ok, `exit ${r.status}: ${r.output}`);
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}

console.log(
  `\nswift: ${passes} passed, ${failures} failed (parsed and checked statically; not compiled: no Swift compiler here)`,
);
process.exit(failures ? 1 : 0);
