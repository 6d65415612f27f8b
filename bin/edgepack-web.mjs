#!/usr/bin/env node
// `npm run dev:web`: the renderer in a browser on 127.0.0.1, backed by the same core as the app (runs via tsx).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/web/cli.ts');
process.exitCode = await main(process.argv.slice(2));
