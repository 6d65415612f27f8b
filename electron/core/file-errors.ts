import fs from 'node:fs';
import { AppError } from './errors';

/**
 * A path whose links lead back to themselves (or through more links than the OS follows): ELOOP. Said as such, not as
 * "no file", since the link is there and the person has to fix it, not find a file.
 */
export function symlinkLoop(file: string): AppError {
  return new AppError(
    'SYMLINK_LOOP',
    `${file} is a symbolic link loop (ELOOP: too many levels of symbolic links): following it never reaches a file.`,
    `See where its links lead with \`ls -l ${file}\` (or \`namei ${file}\`), then point the link at the real file or remove it, or give the real file's path instead.`,
  );
}

/** The error to give for a path that cannot be read for a reason other than not existing (today: ELOOP), else null. */
export function unreadablePath(file: string): AppError | null {
  try {
    fs.statSync(file);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ELOOP' ? symlinkLoop(file) : null;
  }
}
