import fs from 'node:fs';
import path from 'node:path';
import type { ExportJob, ModelRecord } from '../contract';
import { AppError, createCore, resolveHome, unreadablePath, type LocalCore } from '../core';
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
  const unreadable = looksLikePath(id) ? unreadablePath(id) : null;
  if (unreadable) throw unreadable;
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
  return /[\\/]/.test(text) || /\.(pt|pth|onnx|zip|bin)$/i.test(text) || fs.existsSync(text) || isLink(text);
}

function isLink(text: string): boolean {
  try {
    return fs.lstatSync(text).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Checks a folder the command will write into (`--out`, `--save`) before anything starts: it is a folder or can be
 * made one, and can be written. Throws an error naming the path and what to do.
 */
export function checkOutputFolder(dir: string, flag: string): string {
  const target = path.resolve(dir);
  const loop = unreadablePath(target);
  if (loop) throw loop;
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(target);
  } catch (error) {
    // Missing (ENOENT), or under a file (ENOTDIR, said below): anything else is not ours to explain.
    if (!['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
  if (stat && !stat.isDirectory()) {
    throw new AppError(
      'OUTPUT_NOT_A_FOLDER',
      `${flag} ${target} is an existing file, not a folder, so nothing could be written into it. Nothing was started.`,
      `Give ${flag} a folder (it is made when missing), e.g. ${flag} ${path.join(path.dirname(target), `${path.basename(target)}-files`)}, or move the file away.`,
    );
  }
  // The nearest part of the path that exists must be a folder we may write in (the rest is made).
  let existing = target;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  if (!fs.statSync(existing).isDirectory()) {
    throw new AppError(
      'OUTPUT_NOT_A_FOLDER',
      `${flag} ${target} cannot be made: ${existing} is a file, not a folder. Nothing was started.`,
      `Give ${flag} a path under a folder, e.g. ${flag} ${path.join(path.dirname(existing), 'edgepack-out')}.`,
    );
  }
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch {
    throw new AppError(
      'OUTPUT_NOT_WRITABLE',
      `${flag} ${target}: ${existing} cannot be written by this user. Nothing was started.`,
      `Give ${flag} a folder you can write to, e.g. one in your home folder.`,
    );
  }
  return target;
}

export async function findModel(core: LocalCore, id: string): Promise<ModelRecord> {
  return resolveId(await core.handle('models:list', {}), id, 'model');
}

export async function findExport(core: LocalCore, id: string): Promise<ExportJob> {
  return resolveId(await core.handle('exports:list', {}), id, 'export');
}
