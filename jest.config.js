/** One Jest run over every workspace: unit specs beside the code, integration and e2e specs in test/. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/backend', '<rootDir>/frontend'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': swc, '^.+\\.js$': swc },
  // A few dependencies of @fastify/static ship ESM only; compile those to CommonJS for Jest.
  transformIgnorePatterns: [
    '/node_modules/(?!.*(hyparquet|hyparquet-writer|content-disposition|glob|minimatch|path-scurry|lru-cache|brace-expansion|balanced-match)/)',
  ],
  moduleNameMapper: {
    '^@casino/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@casino/platform$': '<rootDir>/libs/platform/src/index.ts',
    '^@casino/platform/tracing$': '<rootDir>/libs/platform/src/tracing/tracing.ts',
    '^@casino/platform/testing$': '<rootDir>/libs/platform/src/testing/test-resources.ts',
  },
  setupFiles: ['reflect-metadata'],
  testTimeout: 30000,
  maxWorkers: 2,
};
