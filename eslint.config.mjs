// Lint rules, including the import boundaries of the layout (see README, Architecture):
// a mistake in who-imports-whom fails CI instead of waiting for a review.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'child_process', 'net', 'http', 'https', 'crypto', 'os', 'path', 'dns', 'tls',
  'worker_threads', 'cluster', 'dgram', 'readline', 'stream', 'zlib', 'process', 'timers'];
const builtinPatterns = nodeBuiltins.flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);
const ioPackages = ['@prisma/*', 'pg', '@aws-sdk/*', 'koa', '@koa/*', 'hawk', 'pino', '@temporalio/client',
  '@temporalio/worker', '@temporalio/activity', '**/generated/**'];
const restrict = (groups, extra = {}) => ['error', { patterns: [{ group: groups, message: 'Not allowed here by the layout rules.' }], ...extra }];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', '.tools/**', 'src/generated/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict([...builtinPatterns, ...ioPackages, '@temporalio/*', '**/src/api/**', '**/src/db/**', '**/src/aws/**', '**/src/queue/**', '**/src/temporal/**', '**/api/*', '**/db/*', '**/aws/*', '**/queue/*', '**/temporal/*', '**/activities/**', '**/workflows/**']) },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([...builtinPatterns, ...ioPackages, '**/src/api/**', '**/src/db/**', '**/src/aws/**', '**/src/queue/**', '**/src/temporal/**', '**/src/config*']),
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch'],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict(['**/src/api/**', 'koa', '@koa/*']) },
  },
  {
    files: ['src/api/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict(['**/activities/**', '@aws-sdk/*']) },
  },
  {
    files: ['scripts/**/*.js', 'test/**/*.ts', 'src/cli/**/*.ts', 'src/dev/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
