import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from './routes/infer';

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('decodeBase64', () => {
  it('decodes standard and URL-safe base64, padded or not, with line breaks or a data: prefix', () => {
    for (const size of [1, 2, 3, 4, 5, 100, 1001]) {
      const bytes = randomBytes(size);
      const b64 = bytes.toString('base64');
      expect(Buffer.from(decodeBase64(b64))).toEqual(bytes);
      expect(Buffer.from(decodeBase64(bytes.toString('base64url')))).toEqual(bytes);
      expect(Buffer.from(decodeBase64(b64.replace(/(.{76})/g, '$1\n')))).toEqual(bytes);
      expect(Buffer.from(decodeBase64(`data:image/jpeg;base64,${b64}`))).toEqual(bytes);
    }
  });

  it('refuses a string with any character outside base64 in any position, or padding inside it', () => {
    const b64 = randomBytes(30).toString('base64');
    for (let i = 0; i < b64.length; i++) {
      for (const bad of ['!', '.', '*', 'é', '\u0000']) {
        expect(code(() => decodeBase64(b64.slice(0, i) + bad + b64.slice(i + 1)))).toBe('INVALID_BASE64');
      }
    }
    expect(code(() => decodeBase64('QUJD=QQ='))).toBe('INVALID_BASE64');
    expect(code(() => decodeBase64('QUJDR'))).toBe('INVALID_BASE64');
  });
});
