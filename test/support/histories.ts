import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { WorkflowHandle } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { temporalAddress } from './env';

/** Committed history fixtures: old workflow runs that the current workflow code must still replay. */
export const HISTORIES_DIR = path.join(__dirname, '..', 'workflows', 'histories');

export interface RecordedHistory {
  name: string;
  workflowId: string;
  runId: string;
  history: History;
}

export interface CommittedHistory {
  name: string;
  history: unknown;
}

/**
 * Records workflow runs during a test file and replays them, together with the committed fixtures,
 * through the current workflow code. With RECORD_HISTORIES set, the recorded runs are written as
 * fixtures by the Temporal CLI (TEMPORAL_BIN, default `temporal`), which writes the same canonical
 * JSON as every other Temporal tool.
 */
export class Histories {
  readonly recorded: RecordedHistory[] = [];

  constructor(readonly dir = HISTORIES_DIR) {}

  /** Keeps one run's history: the given run, or the latest run of the handle's workflow. */
  async record(name: string, handle: WorkflowHandle, runId?: string): Promise<void> {
    const id = runId ?? (await handle.describe()).runId;
    const history = await handle.client.getHandle(handle.workflowId, id).fetchHistory();
    this.recorded.push({ name, workflowId: handle.workflowId, runId: id, history });
  }

  /** With RECORD_HISTORIES set, writes every recorded run to `<dir>/<name>.json`. */
  writeFixtures(): void {
    if (!process.env.RECORD_HISTORIES) return;
    fs.mkdirSync(this.dir, { recursive: true });
    for (const { name, workflowId, runId } of this.recorded) {
      const json = execFileSync(process.env.TEMPORAL_BIN ?? 'temporal', [
        'workflow',
        'show',
        '--address',
        temporalAddress(),
        '--workflow-id',
        workflowId,
        '--run-id',
        runId,
        '--output',
        'json',
      ]);
      fs.writeFileSync(path.join(this.dir, `${name}.json`), json);
    }
  }

  /** The committed fixtures whose file names start with one of `prefixes`. */
  committed(...prefixes: string[]): CommittedHistory[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .filter((f) => f.endsWith('.json') && prefixes.some((p) => f.startsWith(p)))
      .sort()
      .map((f) => ({ name: f, history: JSON.parse(fs.readFileSync(path.join(this.dir, f), 'utf8')) as unknown }));
  }

  /** Replays each history through `bundle`; rejects naming the first one that no longer replays. */
  async replay(bundle: { code: string }, histories: Array<{ name: string; history: unknown }>): Promise<void> {
    for (const { name, history } of histories) {
      try {
        await Worker.runReplayHistory({ workflowBundle: bundle, replayName: name }, history);
      } catch (err) {
        throw new Error(`${name} no longer replays: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
    }
  }
}
