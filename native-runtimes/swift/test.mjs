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

// The checker itself: it must fail, naming file and line, on what a compiler would refuse.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-swift-check-'));
try {
  const good = path.join(scratch, 'good.swift');
  fs.writeFileSync(good, 'import Foundation\n\nfunc twice(_ x: Int) -> Int {\n    x * 2\n}\n');
  const goodRun = run(python, [checker, 'parse', good]);
  check('checker passes a valid file', goodRun.status === 0, goodRun.output);

  const broken = path.join(scratch, 'broken.swift');
  fs.writeFileSync(broken, 'import Foundation\n\nfunc twice(_ x: Int -> Int {\n    x * 2\n}\n');
  const brokenRun = run(python, [checker, 'parse', broken]);
  check(
    'checker fails a broken file with file:line',
    brokenRun.status === 1 && brokenRun.output.includes(`${broken}:3:`),
    `exit ${brokenRun.status}: ${brokenRun.output}`,
  );

  const unclosed = path.join(scratch, 'unclosed.swift');
  fs.writeFileSync(unclosed, 'struct A {\n    let x: Int\n');
  const unclosedRun = run(python, [checker, 'parse', unclosed]);
  check(
    'checker fails a missing brace',
    unclosedRun.status === 1 && unclosedRun.output.includes(unclosed),
    unclosedRun.output,
  );

  const lateTry = path.join(scratch, 'late-try.swift');
  fs.writeFileSync(lateTry, 'func f() throws -> Int { 1 }\nlet x = true ? 0 : try f()\n');
  const lateTryRun = run(python, [checker, 'parse', lateTry]);
  check(
    'checker fails a `try` right of an operator (parses, but Swift refuses it)',
    lateTryRun.status === 1 && lateTryRun.output.includes(`${lateTry}:2:`),
    lateTryRun.output,
  );

  const wrongKeys = path.join(scratch, 'Metadata.swift');
  fs.writeFileSync(
    wrongKeys,
    [
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
    ].join('\n'),
  );
  const keysRun = run(python, [checker, 'metadata', wrongKeys, schema]);
  check(
    'checker fails a key the schema lacks, and a required read of an optional key',
    keysRun.status === 1 &&
      keysRun.output.includes("'max_detections' is not a property") &&
      keysRun.output.includes("'pad_value' is optional in the schema"),
    keysRun.output,
  );
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}

console.log(
  `\nswift: ${passes} passed, ${failures} failed (parsed and checked statically; not compiled: no Swift compiler here)`,
);
process.exit(failures ? 1 : 0);
