// Grouping 10,000 runs in the runs table (issue 17: 300 ms or less), and flattening them
// into the table's rows, timed on the compiled pure modules (no browser, no server).
//
// Usage: npm run build:test && node benchmarks/bench_grouping.mjs [--runs 10000]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { groupRuns, groupMean } = require('../build/ts-tests/grouping.js');
const { tableRows } = require('../build/ts-tests/runTree.js');

const TARGET_MS = 300;
const arg = process.argv.indexOf('--runs');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 10000;

function makeRuns(n) {
  const runs = [];
  for (let i = 0; i < n; i++) {
    const params = {};
    for (let p = 0; p < 8; p++) {
      params[`p${p}`] = String((i % 24) % (p + 2)); // 24 configurations, each with many seeds
    }
    params.seed = String(i);
    const metrics = {};
    for (let m = 0; m < 6; m++) {
      metrics[`m${m}`] = {
        key: `m${m}`,
        value: Math.sin(i + m),
        timestamp: 0,
        step: 0
      };
    }
    const tags =
      i % 10 && i > 10 ? { 'mlflow.parentRunId': `run-${i - (i % 10)}` } : {};
    runs.push({
      info: {
        run_id: `run-${i}`,
        run_name: `run-${i}`,
        status: 'FINISHED',
        user_id: 'ada'
      },
      data: { params, metrics, tags }
    });
  }
  return runs;
}

function median(f, repeats = 7) {
  f(); // warm-up
  const times = [];
  let result;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    result = f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return [times[Math.floor(times.length / 2)], result];
}

const runs = makeRuns(N);
const [byParam, groups] = median(() =>
  groupRuns(runs, { kind: 'param', key: 'p5' })
);
const [byAllBut, groupsAllBut] = median(() =>
  groupRuns(runs, { kind: 'params-except', except: ['seed'] })
);
const [means] = median(() =>
  groups.map(g => [0, 1, 2, 3, 4, 5].map(m => groupMean(g, `m${m}`)))
);
const [rows, flat] = median(() =>
  tableRows(runs, groups, new Set(), new Set())
);
const [tree] = median(() => tableRows(runs, null, new Set(), new Set()));

const fmt = ms => `${ms.toFixed(1)} ms`;
console.log(
  `${N} runs (8 params + seed, 6 metrics, nested in tens), median of 7:`
);
console.log(
  `  group by a param:             ${fmt(byParam)} (${groups.length} groups; target <= ${TARGET_MS} ms)`
);
console.log(
  `  group by all params but seed: ${fmt(byAllBut)} (${groupsAllBut.length} groups)`
);
console.log(`  6 metric means per group:     ${fmt(means)}`);
console.log(
  `  grouped table rows:           ${fmt(rows)} (${flat.length} rows)`
);
console.log(`  run tree rows:                ${fmt(tree)}`);
console.log(byParam <= TARGET_MS ? 'OK: within target' : 'SLOW: over target');
