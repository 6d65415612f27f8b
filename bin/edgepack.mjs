#!/usr/bin/env node
// The edgepack CLI runs the TypeScript core directly through tsx, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
