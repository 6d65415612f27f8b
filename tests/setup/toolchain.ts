/**
 * Vitest globalSetup for the integration and browser tests: makes sure the trainers' toolchain environment (with the
 * dev tools) exists, through the same toolchain module the app and CLI use, printing its progress, and points the
 * tests at it with EDGEPACK_TOOLCHAINS. It is the very environment the app and `npx edgepack doctor --fix` make
 * (`<data folder>/toolchains`, or EDGEPACK_TOOLCHAINS), resolved before any test swaps EDGEPACK_HOME for a temporary
 * one, so the ~6 GB install happens once per machine. EDGEPACK_VENV (development only) uses an existing venv instead.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveHome } from '../../electron/core';
import { Toolchain } from '../../electron/core/toolchain';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export default async function setup(): Promise<void> {
  const toolchainsDir = path.resolve(
    process.env['EDGEPACK_TOOLCHAINS'] ?? path.join(resolveHome(), 'toolchains'),
  );
  process.env['EDGEPACK_TOOLCHAINS'] = toolchainsDir;
  let lastLine = '';
  const toolchain = new Toolchain({
    toolchainsDir,
    resourcesDir: repo,
    python: process.env['EDGEPACK_PYTHON'] ?? 'python3',
    ultralyticsConfigDir: path.join(repo, '.cache', 'ultralytics-config'),
    externalVenv: process.env['EDGEPACK_VENV'] || undefined,
    onProgress: (p) => {
      const line = `[toolchain] ${p.stage} ${Math.round(p.fraction * 100)}%${p.line ? ` ${p.line}` : ''}`;
      if (line !== lastLine) console.log(line);
      lastLine = line;
    },
  });
  const report = await toolchain.ensure({ dev: true });
  if (!report.ok) {
    throw new Error(
      `The toolchain environment is not ready:\n${report.problems.map((p) => `- ${p.message} (fix: ${p.fix})`).join('\n')}`,
    );
  }
  process.env['EDGEPACK_TEST_PYTHON'] = toolchain.location().python;
  console.log(`[toolchain] ready: ${report.environment.path}`);
}
