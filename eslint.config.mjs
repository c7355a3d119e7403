// Lint for the whole workspace. The module-boundary rule is the part that matters most:
// it turns the architecture (billing never imports licensing, rules only use utilities,
// MikroORM only in data-access libs, kafkajs only in the messaging lib) into errors.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const ORM = '@mikro-orm/*';
const KAFKA = 'kafkajs';

export default [
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/gen/**', 'data/**', '.nx/**', 'tools/kafka-mock/build/**'],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.js'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Scopes: who may know about whom.
            { sourceTag: 'scope:billing', onlyDependOnLibsWithTags: ['scope:billing', 'scope:shared'] },
            {
              sourceTag: 'scope:licensing',
              onlyDependOnLibsWithTags: ['scope:licensing', 'scope:rules', 'scope:shared'],
            },
            { sourceTag: 'scope:rules', onlyDependOnLibsWithTags: ['scope:rules', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            // The admin console knows the services only by their contracts, over gRPC.
            { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['scope:console', 'scope:shared'] },
            {
              sourceTag: 'scope:dev',
              onlyDependOnLibsWithTags: [
                'scope:licensing',
                'scope:billing',
                'scope:rules',
                'scope:shared',
                'scope:console',
              ],
            },
            {
              sourceTag: 'scope:tools',
              onlyDependOnLibsWithTags: [
                'scope:licensing',
                'scope:billing',
                'scope:rules',
                'scope:shared',
                'scope:tools',
              ],
            },
            // Types: layers, and which third-party libraries each layer may touch.
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:feature',
                'type:domain',
                'type:data-access',
                'type:messaging',
                'type:transport',
                'type:contracts',
                'type:util',
                'type:testing',
              ],
              bannedExternalImports: [ORM, KAFKA],
            },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: [
                'type:feature',
                'type:domain',
                'type:data-access',
                'type:messaging',
                'type:transport',
                'type:contracts',
                'type:util',
                'type:testing',
              ],
              bannedExternalImports: [ORM, KAFKA],
            },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:util'],
              bannedExternalImports: [ORM, KAFKA, '@grpc/*'],
            },
            {
              sourceTag: 'type:data-access',
              onlyDependOnLibsWithTags: ['type:data-access', 'type:contracts', 'type:util', 'type:testing'],
              bannedExternalImports: [KAFKA, '@grpc/*'],
            },
            {
              sourceTag: 'type:messaging',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:testing'],
              bannedExternalImports: [ORM, '@grpc/*'],
            },
            {
              sourceTag: 'type:transport',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:testing'],
              bannedExternalImports: [ORM, KAFKA],
            },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:contracts'],
              bannedExternalImports: [ORM, KAFKA, '@grpc/*'],
            },
            {
              sourceTag: 'type:util',
              onlyDependOnLibsWithTags: ['type:util'],
              bannedExternalImports: [ORM, KAFKA, '@grpc/*'],
            },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: [
                'type:feature',
                'type:domain',
                'type:data-access',
                'type:messaging',
                'type:transport',
                'type:contracts',
                'type:util',
              ],
              bannedExternalImports: [KAFKA],
            },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: [
                'type:feature',
                'type:domain',
                'type:data-access',
                'type:messaging',
                'type:transport',
                'type:contracts',
                'type:util',
                'type:testing',
              ],
              bannedExternalImports: [ORM],
            },
          ],
        },
      ],
    },
  },
  {
    // The rules engine (libs/rules/src/engine/) is what the licensing service runs on every decision:
    // it must not depend on authoring (checks, cases, explain, CLI, analysis) or on loading (files,
    // watching). Loading and authoring may use the engine, not the other way round. Tests beside the
    // engine may load the shipped policies.
    files: ['libs/rules/src/engine/**/*.ts'],
    ignores: ['libs/rules/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(authoring|loading)(/|$)',
              message: 'the rules engine must not import authoring or loading code (libs/rules/README.md, Layout)',
            },
          ],
        },
      ],
    },
  },
];
