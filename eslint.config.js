import js from '@eslint/js';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const repo = import.meta.dirname;

/**
 * A workspace's boundary: its relative imports stay inside the folders given, and the packages it imports are the
 * ones its package.json declares (devDependencies too, for tests and tools). platform/ is deployed on its own (its
 * image holds its folder, the runtime's folder and what `npm ci -w platform` installs), so this is what keeps the
 * image complete, and keeps platform/ from reaching into electron/ or scripts/.
 */
const importsWithin = {
  meta: {
    type: 'problem',
    docs: { description: "relative imports stay inside the workspace's folders; packages are declared" },
    schema: [
      {
        type: 'object',
        properties: {
          folders: { type: 'array', items: { type: 'string' } },
          forbid: { type: 'array', items: { type: 'string' } },
          packageJson: { type: 'string' },
          dev: { type: 'boolean' },
          why: { type: 'string' },
        },
        required: ['folders', 'packageJson'],
        additionalProperties: false,
      },
    ],
    messages: {
      outside: "'{{specifier}}' is {{target}}, outside {{folders}}. {{why}}",
      forbidden: "'{{specifier}}' is {{target}}, which production code here may not import. {{why}}",
      undeclared: "'{{name}}' is not in {{packageJson}}'s {{fields}}. {{why}}",
    },
  },
  create(context) {
    const { folders, forbid = [], packageJson, dev = false, why = '' } = context.options[0];
    const under = (target, folder) => {
      const root = path.resolve(repo, folder);
      return target === root || target.startsWith(root + path.sep);
    };
    const manifest = JSON.parse(readFileSync(path.join(repo, packageJson), 'utf8'));
    const fields = dev ? ['dependencies', 'devDependencies'] : ['dependencies'];
    const declared = new Set([manifest.name, ...fields.flatMap((f) => Object.keys(manifest[f] ?? {}))]);
    const check = (source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      const specifier = source.value;
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const target = path.resolve(path.dirname(context.filename), specifier);
        const data = {
          specifier,
          target: path.relative(repo, target) || '.',
          folders: folders.join(', '),
          why,
        };
        if (!folders.some((folder) => under(target, folder)))
          context.report({ node: source, messageId: 'outside', data });
        else if (forbid.some((folder) => under(target, folder)))
          context.report({ node: source, messageId: 'forbidden', data });
        return;
      }
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return;
      const parts = specifier.split('/');
      const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
      if (!declared.has(name))
        context.report({
          node: source,
          messageId: 'undeclared',
          data: { name, packageJson, fields: fields.join(' or '), why },
        });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

const edgepack = { rules: { 'imports-within': importsWithin } };

// Test and tool files of a workspace: they run from the repository, never in a deployed image.
const devFiles = (folder) => [`${folder}/**/*.test.ts`, `${folder}/test-support/**`, `${folder}/bench/**`];

const PLATFORM_WHY =
  'platform/ imports only its own files and packages (the reference runtime as @edgepack/runtime), never electron/ or scripts/.';
const RUNTIME_WHY = 'The reference runtime imports nothing of the app, the platform or the scripts.';

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', '.cache', 'test-results', 'trainers', 'tests/fixtures/models'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The renderer reaches the core only through the contract: no Node, no electron module, no core/main code.
    // (`paths` for the electron module: a gitignore-style pattern 'electron' would also forbid electron/contract.)
    files: ['renderer/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['electron'], patterns: ['node:*', '**/electron/core/**', '**/electron/main/**'] },
      ],
    },
  },
  {
    // The app bundles the reference runtime's sources (electron-vite, and the CLI's esbuild bundle, which leaves
    // packages external): it imports them by relative path, never as the @edgepack/runtime package.
    files: ['electron/core/**/*.ts', 'electron/cli/**/*.ts', 'electron/web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron'],
          patterns: [
            {
              group: ['@edgepack/*'],
              message: 'Import native-runtimes/typescript by relative path: the app bundles its sources.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['platform/**/*.ts'],
    plugins: { edgepack },
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron'] }],
      'edgepack/imports-within': [
        'error',
        {
          folders: ['platform'],
          forbid: ['platform/test-support', 'platform/bench'],
          packageJson: 'platform/package.json',
          why: PLATFORM_WHY,
        },
      ],
    },
  },
  {
    // Tests, test support and the bench may also use the shared dev helpers in tests/support.
    files: devFiles('platform'),
    rules: {
      'edgepack/imports-within': [
        'error',
        {
          folders: ['platform', 'tests/support'],
          packageJson: 'platform/package.json',
          dev: true,
          why: PLATFORM_WHY,
        },
      ],
    },
  },
  {
    files: ['native-runtimes/typescript/**/*.ts'],
    plugins: { edgepack },
    rules: {
      'edgepack/imports-within': [
        'error',
        {
          folders: ['native-runtimes/typescript'],
          forbid: ['native-runtimes/typescript/test-support'],
          packageJson: 'native-runtimes/typescript/package.json',
          why: RUNTIME_WHY,
        },
      ],
    },
  },
  {
    files: devFiles('native-runtimes/typescript'),
    rules: {
      'edgepack/imports-within': [
        'error',
        {
          folders: ['native-runtimes/typescript'],
          packageJson: 'native-runtimes/typescript/package.json',
          dev: true,
          why: RUNTIME_WHY,
        },
      ],
    },
  },
  {
    // The CLI holds the core as the IPC and the web harness do: `electron/core` itself (createCore, the contract's
    // channels through core.handle, core.local), never a module inside it.
    files: ['electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron'],
          patterns: [
            {
              group: ['**/core/*'],
              message: "Import from 'electron/core' (its index) and call the contract's channels instead.",
            },
          ],
        },
      ],
    },
  },
);
