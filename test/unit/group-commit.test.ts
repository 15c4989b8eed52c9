import fc from 'fast-check';
import { GroupCommit } from '../../api/group-commit';
import { AppError } from '../../api/errors';

/** A write that records its batches and finishes when the test says so. */
function recordingWrite() {
  const batches: Array<{ key: string; inputs: number[]; finish: (err?: Error) => void }> = [];
  const write = (key: string, inputs: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({
        key,
        inputs,
        finish: (err) => (err ? reject(err) : resolve(inputs.map((n) => `${key}:${n}`))),
      });
    });
  return { batches, write };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes the first request at once and those arriving meanwhile together in the next batch', async () => {
    const { batches, write } = recordingWrite();
    const group = new GroupCommit(write);
    const first = group.submit('n1', 1);
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => group.submit('n1', n));
    await tick();
    expect(batches).toHaveLength(1);
    batches[0]!.finish();
    expect(await first).toBe('n1:1');
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2, 3, 4]]);
    batches[1]!.finish();
    expect(await Promise.all(later)).toEqual(['n1:2', 'n1:3', 'n1:4']);
  });

  it('keeps keys apart and caps a batch at maxBatch', async () => {
    const { batches, write } = recordingWrite();
    const group = new GroupCommit(write, { maxBatch: 2 });
    const a = [group.submit('a', 1), group.submit('a', 2), group.submit('a', 3), group.submit('a', 4)];
    const b = group.submit('b', 9);
    await tick();
    expect(batches.map((x) => [x.key, x.inputs])).toEqual([
      ['a', [1]],
      ['b', [9]],
    ]);
    batches[0]!.finish();
    await tick();
    expect(batches[2]!.inputs).toEqual([2, 3]);
    batches[2]!.finish();
    await tick();
    expect(batches[3]!.inputs).toEqual([4]);
    batches[3]!.finish();
    batches[1]!.finish();
    expect(await Promise.all([...a, b])).toEqual(['a:1', 'a:2', 'a:3', 'a:4', 'b:9']);
  });

  it('fails only the batch whose write failed; the next batch is written', async () => {
    const { batches, write } = recordingWrite();
    const group = new GroupCommit(write);
    const first = group.submit('n', 1);
    const second = group.submit('n', 2);
    await tick();
    batches[0]!.finish(new Error('database restarting'));
    await expect(first).rejects.toThrow('database restarting');
    await tick();
    batches[1]!.finish();
    expect(await second).toBe('n:2');
  });

  it('answers 503 with Retry-After once a key has maxWaiting requests waiting', async () => {
    const { batches, write } = recordingWrite();
    const group = new GroupCommit(write, { maxBatch: 10, maxWaiting: 3, busy: 'Too many comments at once' });
    const accepted = [1, 2, 3].map((n) => group.submit('n', n));
    await tick();
    // The first is being written; two wait, one more fits.
    const fourth = group.submit('n', 4);
    const refused = group.submit('n', 5);
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'Too many comments at once',
      details: { retryAfter: 5 },
    });
    batches[0]!.finish();
    await tick();
    batches[1]!.finish();
    expect(await Promise.all([...accepted, fourth])).toEqual(['n:1', 'n:2', 'n:3', 'n:4']);
  });

  it('answers every request with its own output, whatever the arrival pattern', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.nat(5)), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        async (arrivals, maxBatch) => {
          let written = 0;
          const group = new GroupCommit<number, string>(
            async (key, inputs) => {
              expect(inputs.length).toBeLessThanOrEqual(maxBatch);
              written += inputs.length;
              await tick();
              return inputs.map((n) => `${key}${n}`);
            },
            { maxBatch },
          );
          const answers: Array<Promise<string>> = [];
          for (const [i, [key, pause]] of arrivals.entries()) {
            answers.push(group.submit(key, i));
            for (let p = 0; p < pause; p++) await tick();
          }
          expect(await Promise.all(answers)).toEqual(arrivals.map(([key], i) => `${key}${i}`));
          expect(written).toBe(arrivals.length);
        },
      ),
      { numRuns: 60 },
    );
  });
});
