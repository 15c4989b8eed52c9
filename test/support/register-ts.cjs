/**
 * `node -r ./test/support/register-ts.cjs file.ts`: runs the TypeScript sources directly,
 * compiled on load by @swc/core as Jest compiles them (tests that spawn a source entry point).
 */
const fs = require('node:fs');
const swc = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
