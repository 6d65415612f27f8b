import fs from 'node:fs';
import type { ExportJob, ModelRecord } from '../contract';
import { AppError, createCore, resolveHome, type LocalCore } from '../core';
import type { Output } from './output';

/**
 * Opens the core on the data folder for one command and always closes it. Commands reach it as the IPC and the web
 * harness do, through the contract's channels (`core.handle`, validated) and events, plus `core.local` for what only
 * a local host may do.
 */
export async function withCore(run: (core: LocalCore) => Promise<number>): Promise<number> {
  const core = await createCore({ home: resolveHome() });
  try {
    return await run(core);
  } finally {
    await core.close();
  }
}

export interface CommandContext {
  out: Output;
}

/** Accepts a full id or an unambiguous prefix of one (at least 4 characters), as people copy short ids. */
export function resolveId<T extends { id: string }>(items: T[], id: string, what: 'model' | 'export'): T {
  const exact = items.find((i) => i.id === id);
  if (exact) return exact;
  const matches = id.length >= 4 ? items.filter((i) => i.id.startsWith(id)) : [];
  if (matches.length === 1) return matches[0]!;
  const list = what === 'model' ? 'edgepack models list' : 'edgepack exports list';
  if (matches.length > 1) {
    throw new AppError(
      'AMBIGUOUS_ID',
      `${id} matches ${matches.length} ${what}s.`,
      `Give more of the id (see \`${list}\`).`,
    );
  }
  if (what === 'model') {
    throw new AppError(
      looksLikePath(id) ? 'CHECKPOINT_NOT_FOUND' : 'MODEL_NOT_FOUND',
      looksLikePath(id) ? `No file at ${id}, and no model has that id.` : `No model with id ${id}.`,
      `Check the path, or list the models' ids with \`${list}\`.`,
    );
  }
  throw new AppError(
    'EXPORT_NOT_FOUND',
    `No export with id ${id}.`,
    `List the exports' ids with \`${list}\`.`,
  );
}

export function looksLikePath(text: string): boolean {
  return /[\\/]/.test(text) || /\.(pt|pth|onnx|zip|bin)$/i.test(text) || fs.existsSync(text);
}

export async function findModel(core: LocalCore, id: string): Promise<ModelRecord> {
  return resolveId(await core.handle('models:list', {}), id, 'model');
}

export async function findExport(core: LocalCore, id: string): Promise<ExportJob> {
  return resolveId(await core.handle('exports:list', {}), id, 'export');
}
