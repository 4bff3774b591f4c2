// Lint guards the architecture, not taste (Prettier owns layout): the
// engine imports nothing of the rest of src/, a domain imports only the
// engine, the worker host never imports its clients, and outside code
// enters the engine only through src/engine/index.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import { readdirSync } from 'node:fs';

/** Every folder of src/ but the engine itself. */
const outsideEngine = readdirSync('src', { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'engine')
  .map((d) => `./src/${d.name}`);

const ts = ['**/*.ts', '**/*.svelte.ts'];

/** Zones for import-x/no-restricted-paths: `target` may not import `from`. */
const zones = [
  { target: './src/engine', from: './src', except: ['./engine'], message: 'The engine is pure: it imports nothing of the rest of src/.' },
  {
    target: './src/domain',
    from: './src',
    except: ['./engine/index.ts', './domain'],
    message: 'A domain imports only the engine (through src/engine/index.ts).',
  },
  {
    target: './src/worker',
    from: ['./src/terminal', './src/components', './src/pages', './src/layouts'],
    message: 'The worker host never imports its clients.',
  },
  {
    target: outsideEngine,
    from: './src/engine',
    except: ['./index.ts'],
    message: 'Outside the engine, import it only through src/engine/index.ts.',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', '.astro/**', 'node_modules/**', 'public/**', '**/*.astro'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js', '.svelte'] } } },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // The terminal and its tests handle ANSI escapes and control characters on purpose.
      'no-control-regex': 'off',
      // Caches, timers' URL and date helpers are deliberately not reactive (they are read, never rendered).
      'svelte/prefer-svelte-reactivity': 'off',
      // A prop copied into local state that the learner then edits is the intended shape of these forms.
      'svelte/prefer-writable-derived': 'off',
      // `{' '}` keeps a space that the markup's line breaks would otherwise eat.
      'svelte/no-useless-mustaches': 'off',
    },
  },
  // Tests build malformed documents on purpose (scenario files, wire data): `any` is their honest type there.
  { files: ['test/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // A variable a closure reads before its one assignment stays `let` (Svelte files use svelte/prefer-const for $props).
  { files: ts, rules: { 'prefer-const': ['error', { ignoreReadBeforeAssign: true }] } },
);
