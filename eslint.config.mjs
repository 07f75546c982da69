// Lint rules, including the import boundaries of the layout (see README, Architecture):
// a mistake in who-imports-whom fails CI instead of waiting for a review.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const LAYOUT = 'Not allowed here by the layout rules.';
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
// Every Node built-in, with or without `node:` and with subpaths (`fs/promises`). A regex
// rather than gitignore-style names, which would also match our own `src/domain/` folder.
const builtins = { regex: `^(node:.+|(${builtinModules.map(escape).join('|')})(/.*)?)$`, message: 'Node built-ins are not allowed here.' };
const ioPackages = ['@prisma/*', 'pg', '@aws-sdk/*', 'koa', '@koa/*', 'hawk', 'pino', '@temporalio/client',
  '@temporalio/worker', '@temporalio/activity', '@temporalio/testing', '**/generated/**'];
// `**/x/**` alone misses the folder's index (`../activities`), hence both forms.
const folders = (...names) => names.flatMap((n) => [`**/${n}`, `**/${n}/**`]);
const restrict = (...patterns) => ['error', { patterns: patterns.map((p) => (Array.isArray(p) ? { group: p, message: LAYOUT } : p)) }];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-bench/**', '.data/**', '.tools/**', 'src/generated/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(builtins, [...ioPackages, '@temporalio/*',
        ...folders('api', 'db', 'aws', 'queue', 'temporal', 'activities', 'workflows', 'worker', 'processes'), '**/config', '**/logger']),
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        builtins,
        [...ioPackages, ...['api', 'db', 'aws', 'queue', 'temporal', 'worker', 'processes', 'cli', 'dev'].flatMap((d) => folders(`src/${d}`)), '**/src/config*', '**/src/logger*'],
        { group: folders('activities'), allowTypeImports: true, message: 'Workflows may import only types from activities/.' },
      ),
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch'],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict([...folders('src/api'), 'koa', '@koa/*']) },
  },
  {
    files: ['src/api/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict([...folders('activities'), '@aws-sdk/*']) },
  },
  {
    files: ['scripts/**/*.js', 'test/**/*.ts', 'bench/**/*.ts', 'src/cli/**/*.ts', 'src/dev/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
