#!/usr/bin/env node
// The Kotlin runtime's suite (run by `npm run test:runtimes`): builds the plain-Kotlin core, ModelWrapper.kt (against
// the LiteRT/Android stubs of jvm-test/stubs/) and the JVM test program with kotlinc (npm `kotlin-compiler`) on the
// JDK, cached under <cache>/edgepack/kotlin-<hash of the sources>; runs every conformance vector and the core's error
// checks on the JVM; re-reads each case's predictions and compares them with case.json; checks the Gradle files.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../../scripts/runtimes-python.mjs';
import { checkAndroidPackage, checkGradleProject } from './gradle-check.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const conformance = path.resolve(here, '../conformance');
const failures = [];

function filesUnder(dir, ext) {
  return fs
    .readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(dir, f))
    .sort();
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error?.code === 'ENOENT') {
    throw new Error(`${cmd} not found: ${what} needs a JDK 17 (apt-get install -y default-jdk-headless).`);
  }
  if (r.status !== 0)
    throw new Error(`${what} failed (exit ${r.status ?? r.signal}): ${[cmd, ...args].join(' ')}`);
}

/** The compiled test program (and stub classes), built once per version of the sources and of the compiler. */
function build() {
  const compilerDir = path.dirname(createRequire(import.meta.url).resolve('kotlin-compiler/package.json'));
  const compilerVersion = JSON.parse(fs.readFileSync(path.join(compilerDir, 'package.json'), 'utf8')).version;
  const kotlin = [
    ...filesUnder(path.join(here, 'edgepack-runtime/src/main/kotlin'), '.kt'),
    ...filesUnder(path.join(here, 'jvm-test'), '.kt'),
    // The Android package's example: its Android-free geometry compiles and runs here too.
    path.join(here, 'android-package/app/src/main/kotlin/dev/edgepack/example/BoxGeometry.kt'),
  ];
  const stubs = filesUnder(path.join(here, 'jvm-test/stubs'), '.java');
  const hash = crypto.createHash('sha256').update(compilerVersion);
  for (const file of [...kotlin, ...stubs])
    hash.update(path.relative(here, file)).update(fs.readFileSync(file));
  const dir = path.join(cacheRoot(), `kotlin-${hash.digest('hex').slice(0, 12)}`);
  if (fs.existsSync(path.join(dir, 'test.jar'))) {
    console.log(`kotlin: cached build ${dir}`);
    return dir;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-kotlin-'));
  console.log(
    `kotlin: compiling ${kotlin.length} Kotlin files with kotlinc ${compilerVersion} (a minute or two)`,
  );
  run(
    'javac',
    ['--release', '17', '-d', path.join(work, 'stubs'), ...stubs],
    'compiling the LiteRT/Android stubs',
  );
  const kotlinc = path.join(compilerDir, 'bin', 'kotlinc');
  run(
    kotlinc,
    [
      '-jvm-target',
      '17',
      '-cp',
      path.join(work, 'stubs'),
      '-include-runtime',
      '-d',
      path.join(work, 'test.jar'),
      ...kotlin,
    ],
    'kotlinc',
  );
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    fs.renameSync(work, dir);
  } catch (error) {
    // Another run finished the same build first: keep its copy.
    if (!fs.existsSync(path.join(dir, 'test.jar'))) throw error;
    fs.rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

/**
 * The Android package's template on the runtime's shipped files, laid out as the app lays them out (a package's own
 * zip, model included, is checked by tests/integration/package-devices.test.ts).
 */
function checkAndroidTemplate() {
  const ship = JSON.parse(fs.readFileSync(path.join(here, 'ship.json'), 'utf8'));
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-android-package-'));
  try {
    const fromRuntime = ship.files.filter(
      (f) =>
        f.startsWith('edgepack-runtime/') ||
        ['gradle.properties', 'gradle/wrapper/gradle-wrapper.properties'].includes(f),
    );
    for (const file of fromRuntime) {
      fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      fs.copyFileSync(path.join(here, file), path.join(project, file));
    }
    fs.cpSync(path.join(here, 'android-package'), project, { recursive: true });
    return checkAndroidPackage(project, { withModel: false });
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}

function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical(value[k])]),
    );
  }
  return value;
}

/** Each case's predictions as the JVM wrote them, read back by JavaScript's JSON, against case.json's. */
function comparePredictions(outDir) {
  const { cases } = JSON.parse(fs.readFileSync(path.join(conformance, 'index.json'), 'utf8'));
  for (const name of cases) {
    const expected = JSON.parse(
      fs.readFileSync(path.join(conformance, 'cases', name, 'case.json'), 'utf8'),
    ).predictions;
    const file = path.join(outDir, `${name}.json`);
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : 'null';
    if (JSON.stringify(canonical(JSON.parse(text))) !== JSON.stringify(canonical(expected))) {
      failures.push(`${name}: predictions re-read by node differ from case.json`);
    } else if (text !== JSON.stringify(expected)) {
      failures.push(
        `${name}: predictions equal but not written as JSON.stringify writes them (key order, number format)`,
      );
    }
  }
  console.log(`kotlin: ${cases.length} cases' predictions re-read and compared by node (also as text)`);
}

try {
  if (!fs.existsSync(path.join(conformance, 'index.json'))) {
    throw new Error(
      `No conformance vectors at ${conformance}/index.json: generate them (npm run gen:conformance).`,
    );
  }
  failures.push(...checkGradleProject(here));
  failures.push(...checkAndroidTemplate());
  const dir = build();
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-kotlin-predictions-'));
  try {
    const classpath = [path.join(dir, 'test.jar'), path.join(dir, 'stubs')].join(path.delimiter);
    const r = spawnSync('java', ['-cp', classpath, 'ConformanceMainKt', conformance, outDir], {
      stdio: 'inherit',
    });
    if (r.status !== 0) failures.push(`the JVM suite failed (exit ${r.status ?? r.signal})`);
    comparePredictions(outDir);
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
} catch (error) {
  failures.push(error.message);
}
for (const failure of failures) console.error(`FAIL ${failure}`);
console.log(failures.length ? `kotlin: ${failures.length} failure(s)` : 'kotlin: all passed');
process.exit(failures.length ? 1 : 0);
