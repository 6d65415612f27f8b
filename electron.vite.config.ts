import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } from './electron/main/csp';

// Native modules are loaded from node_modules at run time (electron-builder rebuilds them for packages).
const natives = ['better-sqlite3', 'onnxruntime-node', 'sharp', '@edgepack/jpeg-turbo'];

export default defineConfig(({ command }) => ({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: { input: { index: resolve('electron/main/index.ts') }, external: natives },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require node_modules: bundle everything into one CommonJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('renderer'),
    plugins: [
      react(),
      {
        name: 'edgepack-dev-csp',
        // The dev server's React-refresh preamble is inline; relax the meta CSP only while serving.
        transformIndexHtml: (html: string) =>
          command === 'serve' ? html.replace(CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY) : html,
      },
    ],
    build: {
      outDir: resolve('out/renderer'),
      rolldownOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
}));
