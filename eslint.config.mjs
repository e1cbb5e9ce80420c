// Lint: typescript-eslint strict + Nx module boundaries. Dependencies point one way:
// app -> nest -> io -> core; core imports no framework and no client.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const clientsAndFramework = ['@nestjs/*', 'kafkajs', '@confluentinc/*', '@elastic/*', 'prom-client', 'zod', 'node:net', 'node:http', 'node:https', 'node:fs', 'node:child_process'];

const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['layer:nest', 'layer:io', 'layer:core', 'layer:testing'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['layer:io', 'layer:core', 'layer:testing'] },
  // Test helpers may build on each other (the MISP stand-in finds the fixtures with @iocflow/testing).
  { sourceTag: 'layer:testing', onlyDependOnLibsWithTags: ['layer:io', 'layer:core', 'layer:testing'] },
  { sourceTag: 'layer:nest', onlyDependOnLibsWithTags: ['layer:io', 'layer:core'] },
  { sourceTag: 'layer:io', onlyDependOnLibsWithTags: ['layer:core'], bannedExternalImports: ['@nestjs/*'] },
  { sourceTag: 'layer:core', onlyDependOnLibsWithTags: [], bannedExternalImports: clientsAndFramework },
];

// Test files of io/nest libraries may use the shared test helpers (@iocflow/testing); their sources may not.
const testDepConstraints = depConstraints.map((c) =>
  ['layer:io', 'layer:nest'].includes(c.sourceTag) ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'layer:testing'] } : c,
);

export default [
  { ignores: ['**/dist', '**/node_modules', '**/coverage', '**/.nx', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints,
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/test/**/*.ts', 'scripts/**/*.ts', 'tools/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['libs/**/*.spec.ts', 'libs/**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: testDepConstraints }],
    },
  },
];
