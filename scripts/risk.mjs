#!/usr/bin/env node
// `npm run --silent risk -- …`: builds once if sources changed (logs on stderr, so stdout stays JSON), then runs the CLI.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureBuild, ensureDependencies, root } from './lib/tools.mjs';

ensureDependencies({ quiet: true });
ensureBuild({ quiet: true });
const r = spawnSync(process.execPath, [path.join(root, 'dist', 'platform', 'risk-cli.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
