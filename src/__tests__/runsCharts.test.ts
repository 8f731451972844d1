import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { IRun } from '../api';
import { metricChartSpec, zoomOfSignal } from '../charts';
import { runColors } from '../palette';
import { runLegend } from '../runLegend';

const run = (runId: string, name: string): IRun =>
  ({
    info: { run_id: runId, run_name: name },
    data: { metrics: {}, params: {}, tags: {} }
  }) as unknown as IRun;

describe('runLegend', () => {
  it('colours runs as the palette does and tells same-named runs apart', () => {
    const runs = [
      // Made together: the ids share their start and differ at the end.
      run('0190aa00000000000000000000a1b2c3', 'lr'),
      run('0190aa00000000000000000000d4e5f6', 'lr'),
      run('0190aa00000000000000000000778899', 'x')
    ];
    const legend = runLegend(runs);
    const colors = runColors(runs.map(r => r.info.run_id));
    assert.deepEqual(
      legend.map(e => e.color),
      runs.map(r => colors.get(r.info.run_id))
    );
    assert.deepEqual(
      legend.map(e => e.label),
      ['lr (…a1b2c3)', 'lr (…d4e5f6)', 'x']
    );
  });
});

describe('zoomOfSignal', () => {
  it('reads the x and y domains of a step or time chart', () => {
    assert.deepEqual(zoomOfSignal({ step: [2, 10], value: [0.1, 0.5] }), {
      x: [2, 10],
      y: [0.1, 0.5]
    });
    assert.deepEqual(zoomOfSignal({ time: [5, 6] }), {
      x: [5, 6],
      y: undefined
    });
  });

  it('is null when the chart is not zoomed or the value is not a range', () => {
    assert.equal(zoomOfSignal({}), null);
    assert.equal(zoomOfSignal(null), null);
    assert.equal(zoomOfSignal({ step: ['a', 'b'] }), null);
  });

  it('starts a chart from the zoom it is given', () => {
    const spec = metricChartSpec('loss', [], {
      xAxis: 'step',
      logScale: false,
      smoothing: 0,
      zoom: { x: [2, 10] }
    }) as { params: { value?: unknown }[] };
    assert.deepEqual(spec.params[0].value, { x: [2, 10] });
    const plain = metricChartSpec('loss', [], {
      xAxis: 'step',
      logScale: false,
      smoothing: 0
    }) as { params: { value?: unknown }[] };
    assert.equal(plain.params[0].value, undefined);
  });
});
