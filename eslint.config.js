// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // `examples/bench/.build` holds the bundle `pnpm bench` compiles for its export row, `forge-app/.forge-bundle` what
  // the Forge package step bundled (both gitignored).
  { ignores: ['**/dist/**', '**/node_modules/**', 'forge-app/.forge-bundle/**', '.reports/**', '.sandbox-data/**', 'coverage/**', 'examples/bench/.build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs', '.ci/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      // Contract operations are async by signature even where an implementation has nothing to await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    // `forge deploy` bundles the app with webpack, whose config resolves `./x` to `x.ts` but not `./x.js`.
    files: ['forge-app/{src,test,bench,scripts}/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.{1,2}/.*\\.js$', message: 'Forge\'s bundler cannot resolve ./x.js to x.ts: import ./x (no extension).' }] }],
    },
  },
  {
    // vitest's asymmetric matchers (expect.stringMatching, expect.objectContaining) are typed `any`.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // Config files are the one place tools require a default export.
    files: ['**/vitest.config.ts', '**/vitest.*.config.ts', 'eslint.config.js', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
