import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppFile } from './app-files';

const root = path.resolve('/opt/edgepack/out/renderer');

describe('app:// file resolution', () => {
  it('maps app URLs to files in the renderer folder', () => {
    expect(resolveAppFile(root, 'app://edgepack/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://edgepack/assets/index-1.js?v=2')).toBe(
      path.join(root, 'assets', 'index-1.js'),
    );
    expect(resolveAppFile(root, 'app://edgepack/my%20file.svg')).toBe(path.join(root, 'my file.svg'));
  });

  it('never serves a file outside it, nor for another host', () => {
    expect(resolveAppFile(root, 'app://edgepack/..%2F..%2F..%2Fetc%2Fpasswd')).toBeNull();
    expect(resolveAppFile(root, 'app://edgepack/%2e%2e/%2e%2e/etc/passwd')).toBe(
      path.join(root, 'etc', 'passwd'),
    );
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull();
  });
});
