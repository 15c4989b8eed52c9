/** Jest projects by layer; integration projects expect scripts/test.mjs to have started
 *  PostgreSQL and Temporal (TEST_DATABASE_URL, TEST_TEMPORAL_ADDRESS). */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
  ],
  // ESM-only packages: Node 20 loads them with require(esm), Jest's own loader does not.
  '^.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
};
const ESM_ONLY = [
  'jose',
  'openid-client',
  'oauth4webapi',
  'oidc-provider',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  '@borewit',
  'uint8array-extras',
];
const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});
const integration = { setupFiles: ['<rootDir>/test/support/quiet-temporal.ts'] };
module.exports = {
  projects: [
    project('unit'),
    project('workflows', integration),
    project('api', integration),
    project('topology', integration),
    project('faults', integration),
    project('e2e', integration),
  ],
  testTimeout: 120000,
};
