/** Extensions taken from dropped folders; files dropped one by one are tried whatever their name. */
const IMAGE_NAME = /\.(jpe?g|png|webp|gif|tiff?|avif|heic|heif)$/i;

export function looksLikeImage(name: string): boolean {
  return IMAGE_NAME.test(name);
}

/**
 * The files of a drop: files as they are, folders walked recursively (images only, hidden entries skipped),
 * sorted by path within each folder.
 */
export async function filesFromDrop(dataTransfer: DataTransfer): Promise<File[]> {
  const entries = Array.from(dataTransfer.items ?? [])
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null))
    .filter((entry): entry is FileSystemEntry => !!entry);
  if (entries.length === 0) return Array.from(dataTransfer.files);
  const files: File[] = [];
  for (const entry of entries) {
    if (entry.isFile) files.push(await fileOf(entry as FileSystemFileEntry));
    else await walk(entry as FileSystemDirectoryEntry, files);
  }
  return files;
}

/** Files picked with an `<input webkitdirectory>`: the images among them, in path order. */
export function imagesFromFolderInput(list: readonly File[]): File[] {
  return [...list]
    .filter(
      (f) => looksLikeImage(f.name) && !f.webkitRelativePath.split('/').some((part) => part.startsWith('.')),
    )
    .sort((a, b) => a.webkitRelativePath.localeCompare(b.webkitRelativePath));
}

async function walk(dir: FileSystemDirectoryEntry, out: File[]): Promise<void> {
  const reader = dir.createReader();
  const children: FileSystemEntry[] = [];
  // readEntries hands out at most ~100 entries per call; an empty batch means the end.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) break;
    children.push(...batch);
  }
  children.sort((a, b) => a.name.localeCompare(b.name));
  for (const child of children) {
    if (child.name.startsWith('.')) continue;
    if (child.isDirectory) await walk(child as FileSystemDirectoryEntry, out);
    else if (looksLikeImage(child.name)) out.push(await fileOf(child as FileSystemFileEntry));
  }
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}
