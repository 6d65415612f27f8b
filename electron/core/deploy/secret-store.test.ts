import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSecretStore } from './secret-store';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function store(): FileSecretStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-secrets-'));
  dirs.push(dir);
  return new FileSecretStore(path.join(dir, 'nested', 'secrets.json'));
}

describe('FileSecretStore', () => {
  it('keeps values across instances in a file only its owner can read', async () => {
    const a = store();
    expect(await a.get('platform.token')).toBeNull();
    await a.set('platform.token', 'epk_acct_abc');
    await a.set('platform.url', 'http://127.0.0.1:8080');
    expect(fs.statSync(a.file).mode & 0o777).toBe(0o600);
    const b = new FileSecretStore(a.file);
    expect(await b.get('platform.token')).toBe('epk_acct_abc');
    await b.delete('platform.token');
    expect(await a.get('platform.token')).toBeNull();
    expect(await a.get('platform.url')).toBe('http://127.0.0.1:8080');
    expect(fs.readdirSync(path.dirname(a.file))).toEqual(['secrets.json']);
  });

  it('treats a damaged file as empty instead of failing, and overwrites it on the next save', async () => {
    const s = store();
    fs.mkdirSync(path.dirname(s.file), { recursive: true });
    fs.writeFileSync(s.file, '{not json');
    expect(await s.get('platform.url')).toBeNull();
    await s.set('platform.url', 'http://x');
    expect(JSON.parse(fs.readFileSync(s.file, 'utf8'))).toEqual({ 'platform.url': 'http://x' });
  });
});
