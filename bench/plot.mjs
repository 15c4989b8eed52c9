#!/usr/bin/env node
// Plots for docs/performance.md, generated from bench/results/*.json with Vega-Lite into
// docs/plots/*.svg. Run after any benchmark: `npm run --silent bench:plots`. A benchmark
// without results is skipped (and said so).
import fs from 'node:fs';
import path from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { root } from '../scripts/lib/tools.mjs';
import { resultsDir } from './lib/results.mjs';

const outDir = path.join(root, 'docs', 'plots');
const read = (name) => {
  const file = path.join(resultsDir, `${name}.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
};
const when = (r) => `${r.measuredAt.slice(0, 10)}, ${r.machine.cpus} vCPU, Node ${r.machine.node}`;
const config = { font: 'sans-serif', view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 } };

async function render(name, spec) {
  const compiled = vl.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config, ...spec }).spec;
  const svg = await new vega.View(vega.parse(compiled), { renderer: 'none' }).toSVG();
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `${name}.svg`), `${svg}\n`);
  process.stdout.write(`[plot] docs/plots/${name}.svg\n`);
}

const KIND = { field: 'kind', type: 'nominal', title: null, sort: ['platform', 'database floor', 'bare'] };
const bars = (values, { x, y, title, yTitle, target, xSort }) => ({
  title,
  width: 420,
  height: 220,
  data: { values },
  layer: [
    {
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: x, type: 'nominal', title: null, sort: xSort ?? null, axis: { labelAngle: 0 } },
        xOffset: { field: 'kind', sort: KIND.sort },
        y: { field: y, type: 'quantitative', title: yTitle },
        color: KIND,
      },
    },
    {
      mark: { type: 'text', dy: -6, fontSize: 10 },
      encoding: {
        x: { field: x, type: 'nominal', sort: xSort ?? null },
        xOffset: { field: 'kind', sort: KIND.sort },
        y: { field: y, type: 'quantitative' },
        text: { field: y, type: 'quantitative', format: ',.4~r' },
      },
    },
    ...(target
      ? [
          {
            data: { values: [{ target }] },
            mark: { type: 'rule', strokeDash: [4, 4], color: '#b00' },
            encoding: { y: { field: 'target', type: 'quantitative' } },
          },
        ]
      : []),
  ],
});

const plots = {
  async 'workflow-overhead'(r) {
    const values = [
      { what: 'projects / s', kind: 'platform', value: r.ours.instancesPerSecond },
      { what: 'projects / s', kind: 'bare', value: r.bare.instancesPerSecond },
    ];
    await render(
      'workflow-overhead',
      bars(values, {
        x: 'what',
        y: 'value',
        yTitle: 'instances per second (more is better)',
        title: {
          text: `Workflow overhead: ours ${r.ratio}× bare Temporal (target ≥ 0.5×)`,
          subtitle: `${r.settings.n} instances, ${r.perInstance.updates} updates each, ${r.workers} worker; ${when(r)}`,
        },
      }),
    );
  },
  async 'scale-out'(r) {
    const values = r.rows.flatMap((row) => [
      { workers: row.workers, kind: 'platform', value: row.ours.instancesPerSecond },
      { workers: row.workers, kind: 'bare', value: row.bare.instancesPerSecond },
    ]);
    await render('scale-out', {
      title: {
        text: 'Scale-out: throughput by worker processes (one Temporal server on PostgreSQL)',
        subtitle: `${r.settings.n} instances per run; ${when(r)}`,
      },
      width: 420,
      height: 220,
      data: { values },
      mark: { type: 'line', point: true, tooltip: true },
      encoding: {
        x: { field: 'workers', type: 'ordinal', title: 'worker processes', axis: { labelAngle: 0 } },
        y: { field: 'value', type: 'quantitative', title: 'instances per second' },
        color: KIND,
      },
    });
  },
  async api(r) {
    for (const [route, row] of Object.entries(r.routes)) {
      const values = ['p50', 'p95', 'p99'].flatMap((p) => [
        { percentile: p, kind: 'platform', ms: row.platform.latencyMs[p] },
        ...(row.floor ? [{ percentile: p, kind: 'database floor', ms: row.floor.latencyMs[p] }] : []),
        { percentile: p, kind: 'bare', ms: row.bare.latencyMs[p] },
      ]);
      const floor = row.floor
        ? `; one database round trip alone: p95 ${row.floorP95Ratio}× bare, ours ${row.p95RatioToFloor}× that`
        : '';
      await render(
        `api-${route}`,
        bars(values, {
          x: 'percentile',
          y: 'ms',
          yTitle: 'latency, ms (less is better)',
          title: {
            text: `API ${route}: p95 ${row.p95Ratio}× the bare route (target ≤ ${r.targetP95Ratio}×)`,
            subtitle: [
              `${r.connections} clients for ${r.seconds} s; ${row.platform.requestsPerSecond} vs ${row.bare.requestsPerSecond} requests/s${floor}`,
              when(r),
            ],
          },
        }),
      );
    }
  },
  async live(r) {
    const values = ['p50', 'p95', 'p99'].map((p) => ({ percentile: p, kind: 'platform', ms: r.fromSentMs[p] }));
    await render(
      'live',
      bars(values, {
        x: 'percentile',
        y: 'ms',
        target: r.targetP95Ms,
        yTitle: 'update sent → event received, ms',
        title: {
          text: `Live updates to ${r.sockets} sockets (target p95 < ${r.targetP95Ms} ms)`,
          subtitle: `${r.updates} updates, ${r.received} deliveries, ${r.missing} missing; ${when(r)}`,
        },
      }),
    );
  },
  async 'risk-reports'(r) {
    const values = r.reports.flatMap((x) => [
      { report: x.report, kind: 'p50', ms: x.p50Ms },
      { report: x.report, kind: 'p95', ms: x.p95Ms },
    ]);
    await render('risk-reports', {
      ...bars(values, {
        x: 'report',
        y: 'ms',
        target: 300,
        yTitle: 'ms per report',
        title: {
          text: 'Risk reports over the HTTP API (target p95 < 300 ms)',
          subtitle: `${r.data.sites ?? ''} sites, ${r.data.inspections ?? ''} inspections; ${when(r)}`,
        },
      }),
      width: 560,
    });
  },
  async 'risk-assess'(r) {
    const values = [
      { what: 'full assessment', kind: 'platform', ms: r.engineMs },
      { what: 'bare sum of grades', kind: 'bare', ms: r.bareSumMs },
    ];
    await render(
      'risk-assess',
      bars(values, {
        x: 'what',
        y: 'ms',
        target: r.targetMs,
        yTitle: `ms for ${r.sites.toLocaleString('en')} sites`,
        title: {
          text: `Risk engine: ${r.sites.toLocaleString('en')} sites in ${r.engineMs} ms (target < ${r.targetMs} ms)`,
          subtitle: `${r.ratioToBareSum}× a bare sum over the same grades; ${when(r)}`,
        },
      }),
    );
  },
};

for (const [name, plot] of Object.entries(plots)) {
  const result = read(name);
  if (!result) {
    process.stdout.write(`[plot] no bench/results/${name}.json: skipped\n`);
    continue;
  }
  await plot(result);
}
