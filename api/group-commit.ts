import { AppError } from './errors';

interface Waiting<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit per key (a notice's comments): the first request for an idle key is written at
 * once; requests that arrive while a write for their key runs wait and go together in the
 * next one, up to `maxBatch`. A busy key costs one transaction per batch instead of one per
 * request, and the wait is one write, not the whole queue. A key with `maxWaiting` requests
 * already waiting answers 503 with Retry-After rather than letting requests time out.
 */
export class GroupCommit<I, O> {
  private readonly keys = new Map<string, { waiting: Waiting<I, O>[]; running: boolean }>();

  private readonly maxBatch: number;
  private readonly maxWaiting: number;
  private readonly busy: string;

  constructor(
    /** Writes one batch; the outputs in the inputs' order. A throw fails the whole batch. */
    private readonly write: (key: string, inputs: I[]) => Promise<O[]>,
    options: {
      maxBatch?: number;
      maxWaiting?: number;
      /** What a refused request is told, in the caller's words (the 503's title). */
      busy?: string;
    } = {},
  ) {
    this.maxBatch = options.maxBatch ?? 250;
    this.maxWaiting = options.maxWaiting ?? 5000;
    this.busy = options.busy ?? 'Too many requests arriving at once; try again in a moment';
  }

  submit(key: string, input: I): Promise<O> {
    const entry = this.keys.get(key) ?? { waiting: [], running: false };
    if (entry.waiting.length >= this.maxWaiting) {
      return Promise.reject(new AppError('UNAVAILABLE', this.busy, { retryAfter: 5 }));
    }
    this.keys.set(key, entry);
    const done = new Promise<O>((resolve, reject) => entry.waiting.push({ input, resolve, reject }));
    if (!entry.running) void this.drain(key, entry);
    return done;
  }

  private async drain(key: string, entry: { waiting: Waiting<I, O>[]; running: boolean }): Promise<void> {
    entry.running = true;
    while (entry.waiting.length > 0) {
      const batch = entry.waiting.splice(0, this.maxBatch);
      try {
        const outputs = await this.write(
          key,
          batch.map((w) => w.input),
        );
        batch.forEach((w, i) => w.resolve(outputs[i]!));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    entry.running = false;
    this.keys.delete(key);
  }
}
