// ESLint flat config: TypeScript rules, formatting left to prettier.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['lib/', 'node_modules/', 'jupyterlab_tracker/', 'ui-tests/', '.venv/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['warn', { args: 'none' }],
      eqeqeq: 'error',
      curly: 'error',
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'Only src/api.ts talks HTTP (ServerConnection.makeRequest).' }
      ]
    }
  },
  {
    files: ['src/api.ts'],
    rules: { 'no-restricted-globals': 'off' }
  }
);
