// `npm run lint` (part of `npm test`): Next's rules (core web vitals, React, hooks, jsx-a11y, import) and
// typescript-eslint's recommended set. Correctness rules only; formatting is Prettier's (`npm run format`,
// checked by `npm run format:check`), and eslint-config-prettier turns off any rule that would fight it.
import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import prettier from 'eslint-config-prettier/flat';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    'node_modules/**',
    '.next*/**',
    '.sst/**',
    'out/**',
    'test-results/**',
    'playwright-report/**',
    'bench/results/**',
    'coverage/**',
    'next-env.d.ts',
  ]),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names are deliberately unused (positional parameters, destructured leftovers).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-unused-expressions': 'error',
    },
  },
  {
    // The stand-ins, tests, benchmarks and scripts are Node programs, not pages.
    files: ['local/**', 'tests/**', 'e2e/**', 'bench/**', 'scripts/**', 'infra/**', 'sst.config.ts'],
    rules: {
      '@next/next/no-html-link-for-pages': 'off',
      // Playwright's fixture callback is named `use`; there is no React here.
      'react-hooks/rules-of-hooks': 'off',
    },
  },
  {
    // Pulumi's mock runtime hands over untyped JSON inputs and state; the infra tests read them freely.
    files: ['infra/testing/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // SST's own convention: the platform types come in through a triple-slash reference.
    files: ['sst.config.ts'],
    rules: { '@typescript-eslint/triple-slash-reference': 'off' },
  },
  // Last: off with every stylistic rule above that Prettier decides instead.
  prettier,
]);
