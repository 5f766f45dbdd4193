import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'training/work/', 'web/vendor/', 'coverage/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Size limits (issue 14, docs/decisions.md): physical lines, as `wc -l` counts them — blank
    // lines and comments included, so the number cannot be met by squeezing. A function's count
    // includes the closures inside it: a factory is as long as everything it returns.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true }],
    },
  },
  {
    // Burn-down list: files with a function over 80 lines when the limit was set (34 functions in
    // 31 files at 44539d6; every file is within 400 lines now); each entry goes when its functions
    // are split. Do not add to it.
    files: [
      'src/llm/router/create-llm-router.ts',
    ],
    rules: { 'max-lines-per-function': 'off' },
  },
);
