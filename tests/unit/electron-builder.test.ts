/**
 * The packaging configuration (electron-builder.yml): valid for the electron-builder in package-lock.json, and the
 * Electron fuses flipped the way the security section of DESIGN.md needs them.
 */
import Ajv from 'ajv';
import yaml from 'js-yaml';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_PHOTOS } from '../../electron/core/packages/bundle-conformance';

const repo = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
/** The @electron/fuses that electron-builder itself loads (a dependency of app-builder-lib, not of Edgepack). */
const { FuseV1Options } = createRequire(require.resolve('app-builder-lib'))('@electron/fuses') as {
  FuseV1Options: Record<string, number>;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;
const config = yaml.load(readFileSync(path.join(repo, 'electron-builder.yml'), 'utf8')) as Obj;
const lock = JSON.parse(readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as Obj;

describe('electron-builder.yml', () => {
  it("is valid against the locked electron-builder's own schema (which knows electronFuses)", () => {
    const locked = lock['packages']['node_modules/app-builder-lib'].version as string;
    const installed = (require('app-builder-lib/package.json') as { version: string }).version;
    expect(installed).toBe(locked);
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as Obj;
    expect(schema['definitions']['FuseOptionsV1']).toBeDefined();
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
  });

  it('flips the security fuses, through the mapping electron-builder itself applies to the binary', async () => {
    expect(config['electronFuses']).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // PlatformPackager.generateFuseConfig is what `electron-builder` hands to @electron/fuses before signing.
    const { PlatformPackager } = require('app-builder-lib') as {
      PlatformPackager: { prototype: { generateFuseConfig(fuses: Obj): Promise<Obj> } };
    };
    const wire = await PlatformPackager.prototype.generateFuseConfig.call({}, config['electronFuses']);
    expect(wire[FuseV1Options['RunAsNode']!]).toBe(false);
    expect(wire[FuseV1Options['EnableCookieEncryption']!]).toBe(true);
    expect(wire[FuseV1Options['EnableNodeOptionsEnvironmentVariable']!]).toBe(false);
    expect(wire[FuseV1Options['EnableNodeCliInspectArguments']!]).toBe(false);
    expect(wire[FuseV1Options['EnableEmbeddedAsarIntegrityValidation']!]).toBe(true);
    expect(wire[FuseV1Options['OnlyLoadAppFromAsar']!]).toBe(true);
    expect(wire[FuseV1Options['GrantFileProtocolExtraPrivileges']!]).toBe(false);
    // Left as Electron ships it.
    expect(wire[FuseV1Options['LoadBrowserProcessSpecificV8Snapshot']!]).toBeUndefined();
  });

  it('packs the app into an asar archive, which onlyLoadAppFromAsar requires', () => {
    expect(config['asar']).toBe(true);
  });

  it('ships native-runtimes/ as a resource, keeping every file a bundle copies (ship.json files, photos)', () => {
    const entry = (config['extraResources'] as Obj[]).find((r) => r['from'] === 'native-runtimes');
    expect(entry?.['to']).toBe('native-runtimes');
    const excluded = (entry!['filter'] as string[]).filter((f) => f.startsWith('!')).map((f) => f.slice(1));
    const runtimesDir = path.join(repo, 'native-runtimes');
    const listed = readdirSync(runtimesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && readdirSync(path.join(runtimesDir, d.name)).includes('ship.json'))
      .flatMap((d) => {
        const ship = JSON.parse(readFileSync(path.join(runtimesDir, d.name, 'ship.json'), 'utf8')) as {
          files: string[];
        };
        return ['ship.json', ...ship.files].map((file) => `${d.name}/${file}`);
      });
    // A bundle's conformance vectors are made from these (electron/core/packages/bundle-conformance.ts).
    listed.push('conformance/README.md', ...CONFORMANCE_PHOTOS.map((photo) => `conformance/images/${photo}`));
    // path.matchesGlob is the same glob dialect as electron-builder's filters for these patterns.
    expect(listed.filter((file) => excluded.some((glob) => path.matchesGlob(file, glob)))).toEqual([]);
  });
});
