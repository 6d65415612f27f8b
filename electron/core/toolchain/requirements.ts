import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { AppError } from '../errors';

export interface Pin {
  name: string;
  version: string;
}

/** `name==version` lines of a pinned requirements file (comments, blanks and options skipped). */
export function parsePins(text: string): Pin[] {
  const pins: Pin[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#') || line.startsWith('-')) continue;
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;]+)/.exec(line);
    if (match) pins.push({ name: match[1]!, version: match[2]! });
  }
  return pins;
}

/** PEP 503 normalisation, so `PyYAML`, `pyyaml` and `py_yaml` compare equal. */
export const normalizeName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

export function readRequirements(file: string): { text: string; hash: string; pins: Pin[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError(
      'TOOLCHAIN_REQUIREMENTS_MISSING',
      `The pinned requirements file ${file} cannot be read.`,
      'The Edgepack installation is incomplete; reinstall it (or check out trainers/ again).',
      { cause: error },
    );
  }
  return { text, hash: sha256Hex(text), pins: parsePins(text) };
}

export const sha256Hex = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');
