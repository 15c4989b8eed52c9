/**
 * Runs the reference case-management system: see ../README.md.
 *   WEBHOOK_SECRET=whsec_… PLATFORM_URL=http://127.0.0.1:3000 AUTHORITY_CODE=CITY-TRE \
 *   node -r ./test/support/register-ts.cjs adapters/reference-case-system/src/main.ts
 */
import { CaseSystem } from './case-system';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`${name} is not set (see adapters/reference-case-system/README.md)\n`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const system = new CaseSystem({
    secret: required('WEBHOOK_SECRET'),
    platformUrl: process.env.PLATFORM_URL ?? 'http://127.0.0.1:3000',
    authorityCode: required('AUTHORITY_CODE'),
    casePrefix: process.env.CASE_PREFIX ?? 'TRE',
    dataFile: process.env.DATA_FILE,
  });
  const url = await system.listen(Number(process.env.PORT ?? 4000), process.env.HOST ?? '127.0.0.1');
  process.stdout.write(`reference case system: webhook ${url}/webhook, cases ${url}/cases\n`);
  const stop = () => void system.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
