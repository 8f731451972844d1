import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { IMetric } from '../api';
import {
  IRunPoint,
  metricChartSpec,
  scatterSpec,
  smooth,
  tooltipTexts
} from '../charts';

const points = (values: IMetric['value'][]): IMetric[] =>
  values.map((value, step) => ({
    key: 'loss',
    value,
    step,
    timestamp: 1000 + step
  }));

type Spec = Record<string, any>;

describe('smooth', () => {
  it('returns raw values for a zero weight', () => {
    assert.deepEqual(smooth([3, 1, 2], 0), [3, 1, 2]);
  });

  it('is a debiased moving average: a constant stays constant', () => {
    assert.deepEqual(
      smooth([2, 2, 2], 0.9).map(v => Number(v.toFixed(12))),
      [2, 2, 2]
    );
  });

  it('weights the past, and passes non-finite values through untouched', () => {
    const [a, b, c] = smooth([0, 10, NaN], 0.5);
    assert.equal(a, 0);
    assert.ok(Math.abs(b - 10 / 1.5) < 1e-12); // (0.5 * 0 + 0.5 * 10) / (1 - 0.25)
    assert.ok(Number.isNaN(c));
  });
});

describe('tooltipTexts', () => {
  it("shows 6 significant digits as d3's .6g and the local clock time", () => {
    const at = new Date(2026, 11, 3, 9, 5, 7).getTime();
    assert.deepEqual(tooltipTexts(12, 0.5, at), {
      stepText: '12',
      valueText: '0.500000',
      timeText: '09:05:07'
    });
    assert.equal(tooltipTexts(0, 1234567, at).valueText, '1.23457e+6');
    assert.equal(tooltipTexts(0, 1 / 3, at).valueText, '0.333333');
  });
});

describe('metricChartSpec', () => {
  const options = { xAxis: 'step' as const, logScale: false, smoothing: 0 };

  it('formats nothing per point as it draws: texts in the rows, no ARIA per point', () => {
    // Vega formats a tooltip's or a description's numbers for every point of a line:
    // most of the drawing time of the chart view's 100 runs x 200 points.
    const spec: Spec = metricChartSpec(
      'loss',
      [{ name: 'a', points: points([0.25, 0.5]) }],
      options
    );
    assert.equal(spec.mark.aria, false);
    for (const channel of spec.encoding.tooltip) {
      assert.equal(channel.type, 'nominal');
      assert.equal(channel.format, undefined);
    }
    assert.deepEqual(
      spec.encoding.tooltip.map((c: Spec) => c.field),
      ['run', 'stepText', 'valueText', 'timeText']
    );
    assert.equal(spec.data.values[1].valueText, '0.500000');
    assert.equal(spec.data.values[1].stepText, '1');
  });

  it('has a row per finite point of each run, by step', () => {
    const spec: Spec = metricChartSpec(
      'loss',
      [
        { name: 'a', points: points([1, 'NaN', 0.5]) },
        { name: 'b', points: points(['Infinity', 2]) }
      ],
      options
    );
    assert.deepEqual(
      spec.data.values.map((r: Spec) => [r.run, r.step, r.value]),
      [
        ['a', 0, 1],
        ['a', 2, 0.5],
        ['b', 1, 2]
      ]
    );
    assert.equal(spec.encoding.x.field, 'step');
    assert.equal(spec.encoding.y.scale.type, 'linear');
    assert.ok(spec.encoding.color.legend); // two runs: a legend
  });

  it('drops values a log scale cannot draw and plots against time on request', () => {
    const spec: Spec = metricChartSpec(
      'loss',
      [{ name: 'a', points: points([0, -1, 3]) }],
      { xAxis: 'time', logScale: true, smoothing: 0 }
    );
    assert.deepEqual(
      spec.data.values.map((r: Spec) => r.value),
      [3]
    );
    assert.equal(spec.encoding.x.type, 'temporal');
    assert.equal(spec.encoding.y.scale.type, 'log');
    assert.equal(spec.encoding.color.legend, null);
  });

  it("uses the runs' colours only when every run has one", () => {
    const coloured: Spec = metricChartSpec(
      'loss',
      [
        { name: 'a', color: '#111111', points: points([1]) },
        { name: 'b', color: '#222222', points: points([2]) }
      ],
      options
    );
    assert.deepEqual(coloured.encoding.color.scale, {
      domain: ['a', 'b'],
      range: ['#111111', '#222222']
    });
    const partly: Spec = metricChartSpec(
      'loss',
      [
        { name: 'a', color: '#111111', points: points([1]) },
        { name: 'b', points: points([2]) }
      ],
      options
    );
    assert.equal(partly.encoding.color.scale, undefined);
  });

  it('marks points on short histories only', () => {
    const short: Spec = metricChartSpec(
      'm',
      [{ name: 'a', points: points([1, 2]) }],
      options
    );
    const long: Spec = metricChartSpec(
      'm',
      [{ name: 'a', points: points(Array.from({ length: 51 }, (_, i) => i)) }],
      options
    );
    assert.equal(short.mark.point, true);
    assert.equal(long.mark.point, false);
  });
});

const runs: IRunPoint[] = [
  {
    runId: 'r1',
    label: 'one',
    color: '#1',
    values: { 'params.lr': '0.1', 'metrics.acc': 0.8 }
  },
  {
    runId: 'r2',
    label: 'two',
    color: '#2',
    values: { 'params.lr': 'x', 'metrics.acc': 0.9 }
  },
  { runId: 'r3', label: 'three', color: '#3', values: { 'metrics.acc': 0.7 } }
];

describe('scatterSpec', () => {
  it('plots the runs having both values, numeric x as a quantity', () => {
    const spec: Spec = scatterSpec(runs, 'params.lr', 'metrics.acc');
    assert.equal(spec.encoding.x.type, 'nominal'); // "x" is not a number
    assert.deepEqual(
      spec.data.values.map((r: Spec) => [r.run, r.x, r.y]),
      [
        ['one', '0.1', 0.8],
        ['two', 'x', 0.9]
      ]
    );
    const numeric: Spec = scatterSpec(
      runs.slice(0, 1),
      'params.lr',
      'metrics.acc'
    );
    assert.equal(numeric.encoding.x.type, 'quantitative');
    assert.deepEqual(numeric.data.values, [{ run: 'one', x: 0.1, y: 0.8 }]);
  });
});
