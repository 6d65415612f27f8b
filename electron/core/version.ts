import fs from 'node:fs';
import { version } from '../../package.json';
import type { VersionReport } from '../contract';
import { FRAMEWORK, locateToolchain, readReadyMarker, type ToolchainSettings } from './toolchain/environment';

/** Edgepack's own version: package.json's, bundled in at build time (the CLI bundle, electron-vite, tsx). */
export const EDGEPACK_VERSION: string = version;

/** Edgepack's version and the runtime it runs on: what `doctor` and `version` report first. */
export function edgepackVersion(): VersionReport['edgepack'] {
  return {
    version: EDGEPACK_VERSION,
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
  };
}

/**
 * `edgepack version`: Edgepack's version plus the toolchain's package versions as recorded in its ready marker when
 * it was made and verified. Reads two small files and runs nothing (no Python, no database), so it stays instant;
 * `doctor` checks the installed versions for real.
 */
export function versionReport(settings: Omit<ToolchainSettings, 'python'>): VersionReport {
  const location = locateToolchain({ ...settings, python: '' }, FRAMEWORK);
  const marker = location.external ? null : readReadyMarker(location);
  const current = marker?.requirementsHash === location.requirementsHash && fs.existsSync(location.python);
  const ready = location.external ? fs.existsSync(location.python) : current;
  return {
    edgepack: edgepackVersion(),
    toolchain: {
      framework: location.framework,
      path: location.path,
      ready,
      python: current ? marker!.python || null : null,
      packages: current ? marker!.packages : {},
    },
  };
}
