import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  // test/strategies/fixtures holds strategy modules that are broken on purpose (a syntax error, an endless loop).
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'out/**', 'test-artifacts/**', 'bench/data/**', 'test/strategies/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Randomness comes in through ctx (seeded RNG).' },
        { object: 'Date', property: 'now', message: 'Time comes in through ctx (replay clock).' }],
    },
  },
);
