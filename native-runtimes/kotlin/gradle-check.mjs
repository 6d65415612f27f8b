// Static checks of the Android library's Gradle project (the Android Gradle Plugin cannot run here: no Google Maven):
// the version catalog parsed and every version pinned, the module's namespace, SDK levels and LiteRT dependency, the
// files the module needs, the core free of Android/LiteRT imports, and ship.json listing exactly what ships.
import fs from 'node:fs';
import path from 'node:path';

/** The subset of TOML a version catalog uses: [sections], `key = "string"` and `key = { k = "v", a.b = "v" }`. */
export function parseCatalog(text) {
  const catalog = {};
  let section = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) return;
    const header = /^\[([\w-]+)\]$/.exec(line);
    if (header) {
      section = catalog[header[1]] = {};
      return;
    }
    const entry = /^([\w-]+)\s*=\s*(.+)$/.exec(line);
    if (!entry || !section)
      throw new Error(`gradle/libs.versions.toml line ${i + 1} is not a catalog entry: ${raw}`);
    const [, key, value] = entry;
    const inline = /^\{(.*)\}$/.exec(value);
    section[key] = inline
      ? Object.fromEntries(inline[1].split(',').map((pair) => parsePair(pair, i)))
      : parseString(value, i);
  });
  return catalog;
}

function parsePair(pair, i) {
  const m = /^\s*([\w.-]+)\s*=\s*(.+?)\s*$/.exec(pair);
  if (!m) throw new Error(`gradle/libs.versions.toml line ${i + 1}: bad inline table entry "${pair}"`);
  return [m[1], parseString(m[2], i)];
}

function parseString(value, i) {
  const m = /^"([^"]*)"$/.exec(value.trim());
  if (!m) throw new Error(`gradle/libs.versions.toml line ${i + 1}: expected a quoted string, got ${value}`);
  return m[1];
}

/** The kotlinc the JVM suite uses (the repository's npm kotlin-compiler), which the catalog's Kotlin must match. */
export function suiteKotlinc() {
  const rootPackage = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return rootPackage.devDependencies?.['kotlin-compiler'];
}

/**
 * Every problem found, as sentences (empty when the project is sound). `shipped`: the project is this runtime's
 * folder, with the ship.json that lists what a bundle carries (an Android package has none).
 */
export function checkGradleProject(root, { shipped = true } = {}) {
  const problems = [];
  const read = (file) =>
    fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), 'utf8') : null;
  const need = (file) => read(file) ?? (problems.push(`${file} is missing`), '');
  const catalog = parseCatalog(need('gradle/libs.versions.toml'));
  const versions = catalog.versions ?? {};
  for (const [name, version] of Object.entries(versions)) {
    if (!/^\d+\.\d+\.\d+$/.test(version))
      problems.push(`catalog version ${name} = "${version}" is not pinned (x.y.z)`);
  }
  const litert = catalog.libraries?.litert;
  if (
    litert?.group !== 'com.google.ai.edge.litert' ||
    litert?.name !== 'litert' ||
    !versions[litert?.['version.ref']]
  ) {
    problems.push('the catalog has no pinned com.google.ai.edge.litert:litert library');
  }
  const plugins = catalog.plugins ?? {};
  if (plugins['android-library']?.id !== 'com.android.library')
    problems.push('the catalog lacks the com.android.library plugin');
  if (plugins['kotlin-android']?.id !== 'org.jetbrains.kotlin.android')
    problems.push('the catalog lacks the Kotlin Android plugin');
  const kotlinc = suiteKotlinc();
  if (versions[plugins['kotlin-android']?.['version.ref']] !== kotlinc) {
    problems.push(
      `the catalog's Kotlin (${versions.kotlin}) is not the kotlinc the JVM suite uses (kotlin-compiler ${kotlinc})`,
    );
  }

  const settings = need('settings.gradle.kts');
  const modules = [...settings.matchAll(/include\("(:[\w-]+)"\)/g)].map((m) => m[1].slice(1));
  if (!modules.includes('edgepack-runtime'))
    problems.push('settings.gradle.kts does not include(":edgepack-runtime")');
  if (!/google\(\)/.test(settings)) problems.push("settings.gradle.kts lacks Google's Maven (google())");
  for (const module of modules) need(`${module}/build.gradle.kts`);

  const module = need('edgepack-runtime/build.gradle.kts');
  const number = (key) => Number((new RegExp(`\\b${key}\\s*=\\s*(\\d+)`).exec(module) ?? [])[1]);
  const namespace = (/\bnamespace\s*=\s*"([\w.]+)"/.exec(module) ?? [])[1];
  const wrapperFile = `edgepack-runtime/src/main/kotlin/${(namespace ?? '').replaceAll('.', '/')}/ModelWrapper.kt`;
  if (!namespace || !(read(wrapperFile) ?? '').includes(`package ${namespace}\n`)) {
    problems.push(`the module's namespace (${namespace}) is not ModelWrapper.kt's package (${wrapperFile})`);
  }
  if (!(number('minSdk') >= 21))
    problems.push(`minSdk ${number('minSdk')} is missing or below 21 (LiteRT's floor)`);
  if (!(number('compileSdk') >= 34 && number('compileSdk') >= number('minSdk')))
    problems.push(`compileSdk ${number('compileSdk')} is missing or too low`);
  for (const plugin of ['android.library', 'kotlin.android']) {
    if (!module.includes(`alias(libs.plugins.${plugin})`))
      problems.push(`the module does not apply libs.plugins.${plugin}`);
  }
  if (!/\b(api|implementation)\(libs\.litert\)/.test(module))
    problems.push('the module does not depend on libs.litert');
  if (/(implementation|api)\("[^"]*"\)/.test(module))
    problems.push('the module declares a dependency outside the catalog');
  const manifest = need('edgepack-runtime/src/main/AndroidManifest.xml');
  if (!/<manifest\b/.test(manifest) || /\bpackage="/.test(manifest))
    problems.push('AndroidManifest.xml must be a <manifest> without package= (AGP 8 takes the namespace)');

  const sources = fs
    .readdirSync(path.join(root, 'edgepack-runtime/src/main/kotlin'), { recursive: true })
    .filter((f) => f.endsWith('.kt'));
  for (const file of sources.filter((f) => !f.endsWith('/ModelWrapper.kt'))) {
    const text = read(`edgepack-runtime/src/main/kotlin/${file}`);
    if (/^import (android|androidx|org\.tensorflow)\./m.test(text))
      problems.push(`${file} imports Android or LiteRT: only ModelWrapper.kt may`);
  }
  if (shipped)
    problems.push(
      ...checkShip(
        root,
        sources.map((f) => `edgepack-runtime/src/main/kotlin/${f}`),
      ),
    );
  console.log(
    `kotlin: Gradle project ${root} checked statically (${modules.join(', ')}; ${sources.length} library sources)`,
  );
  return problems;
}

/**
 * An Android package (native-runtimes/kotlin/android-package/ on the runtime's files): the library project's checks,
 * and the example app module: applied plugins, SDK levels, the library and every other dependency through the
 * catalog, a launcher activity that exists, and (`withModel`) the model and metadata.json in its assets.
 */
export function checkAndroidPackage(root, { withModel = true } = {}) {
  const problems = checkGradleProject(root, { shipped: false });
  const read = (file) =>
    fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), 'utf8') : null;
  const catalog = parseCatalog(read('gradle/libs.versions.toml') ?? '');
  if (catalog.plugins?.['android-application']?.id !== 'com.android.application')
    problems.push('the catalog lacks the com.android.application plugin');
  if (!/include\(":app"\)/.test(read('settings.gradle.kts') ?? ''))
    problems.push('settings.gradle.kts does not include(":app")');
  const app = read('app/build.gradle.kts') ?? '';
  for (const plugin of ['android.application', 'kotlin.android']) {
    if (!app.includes(`alias(libs.plugins.${plugin})`))
      problems.push(`the app module does not apply libs.plugins.${plugin}`);
  }
  if (!/implementation\(project\(":edgepack-runtime"\)\)/.test(app))
    problems.push('the app module does not depend on project(":edgepack-runtime")');
  for (const ref of app.matchAll(/implementation\(libs\.([\w.]+)\)/g)) {
    if (!catalog.libraries?.[ref[1].replaceAll('.', '-')])
      problems.push(`the app module uses libs.${ref[1]}, which the catalog lacks`);
  }
  if (/implementation\("[^"]*"\)/.test(app))
    problems.push('the app module declares a dependency outside the catalog');
  const namespace = (/\bnamespace\s*=\s*"([\w.]+)"/.exec(app) ?? [])[1];
  const minSdk = Number((/\bminSdk\s*=\s*(\d+)/.exec(app) ?? [])[1]);
  if (!(minSdk >= 24)) problems.push(`the app's minSdk ${minSdk} is missing or below the library's 24`);
  const manifest = read('app/src/main/AndroidManifest.xml') ?? '';
  const activity = (/<activity[^>]*android:name="\.(\w+)"/.exec(manifest) ?? [])[1];
  if (!/android\.intent\.category\.LAUNCHER/.test(manifest) || !activity)
    problems.push('the app manifest has no launcher activity');
  else if (!read(`app/src/main/kotlin/${(namespace ?? '').replaceAll('.', '/')}/${activity}.kt`))
    problems.push(`the launcher activity ${namespace}.${activity} has no source file`);
  if (withModel) {
    const metadata = JSON.parse(read('app/src/main/assets/edgepack/metadata.json') ?? 'null');
    const modelFile = metadata?.formats?.tflite?.model_file;
    if (!modelFile) problems.push('app/src/main/assets/edgepack/metadata.json has no tflite document');
    else if (!read(`app/src/main/assets/edgepack/${modelFile}`))
      problems.push(
        `app/src/main/assets/edgepack/${modelFile} (metadata.json's tflite model_file) is missing`,
      );
  }
  return problems;
}

function checkShip(root, sources) {
  const problems = [];
  const ship = JSON.parse(fs.readFileSync(path.join(root, 'ship.json'), 'utf8'));
  if (ship.runtime !== 'kotlin') problems.push(`ship.json runtime is ${ship.runtime}, not kotlin`);
  if (JSON.stringify(ship.formats) !== '["tflite"]') problems.push('ship.json formats must be ["tflite"]');
  for (const file of ship.files) {
    if (!fs.existsSync(path.join(root, file))) problems.push(`ship.json lists ${file}, which does not exist`);
    if (/^(jvm-test|test\.mjs|gradle-check\.mjs)/.test(file))
      problems.push(`ship.json lists the test file ${file}`);
  }
  for (const file of sources)
    if (!ship.files.includes(file)) problems.push(`ship.json does not list ${file}`);
  return problems;
}
