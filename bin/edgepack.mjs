#!/usr/bin/env node
// The edgepack CLI: electron/cli/index.ts, bundled on demand (see cli-bundle.mjs), so a fresh clone needs no build step.
import { pathToFileURL } from 'node:url';
import { cliBundle } from './cli-bundle.mjs';

const { main } = await import(pathToFileURL(await cliBundle()).href);
process.exitCode = await main(process.argv.slice(2));
