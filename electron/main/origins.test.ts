import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { isOwnRendererUrl } from './origins';
import { CONTENT_SECURITY_POLICY } from './csp';

describe('renderer origin check', () => {
  it('accepts the app:// renderer and, in dev only, the dev server origin', () => {
    expect(isOwnRendererUrl('app://edgepack/index.html', undefined)).toBe(true);
    expect(isOwnRendererUrl('http://localhost:5173/#/models', 'http://localhost:5173')).toBe(true);
    expect(isOwnRendererUrl('http://localhost:5173/', undefined)).toBe(false);
  });

  it('rejects look-alike and remote origins', () => {
    expect(isOwnRendererUrl('app://edgepack.evil/index.html', undefined)).toBe(false);
    expect(isOwnRendererUrl('https://edgepack/index.html', undefined)).toBe(false);
    expect(isOwnRendererUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isOwnRendererUrl('file:///etc/passwd', 'http://localhost:5173')).toBe(false);
    expect(isOwnRendererUrl('not a url', 'http://localhost:5173')).toBe(false);
  });
});

describe('content security policy', () => {
  it('is the same in index.html as in the response header', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
  });

  it('allows nothing remote and no inline script', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });
});
