import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers in tests log warnings and errors only, so failures stay readable.
Runtime.install({ logger: new DefaultLogger('WARN') });
