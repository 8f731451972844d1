import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { IRunPoint } from '../charts';
import {
  MAX_CATEGORY_LABELS,
  parallelCoordinatesSpec,
  parallelLayout,
  tickText
} from '../parallel';

type Spec = Record<string, any>;

const run = (label: string, values: IRunPoint['values']): IRunPoint => ({
  runId: `id-${label}`,
  label,
  color: `#${label}`,
  values
});

const runs = [
  run('a', {
    'params.lr': '0.1',
    'params.class_weight': 'balanced',
    'metrics.acc': 0.8
  }),
  run('b', {
    'params.lr': '0.3',
    'params.class_weight': 'none',
    'metrics.acc': 0.9
  }),
  run('c', {
    'params.lr': '0.2',
    'params.class_weight': 'balanced',
    'metrics.acc': NaN
  })
];

const positions = (layout: ReturnType<typeof parallelLayout>, axis: string) =>
  layout.points
    .filter(p => p.axis === axis)
    .map(p => [p.run, Number(p.position.toFixed(6)), p.text]);

describe('parallelLayout', () => {
  it('scales a numeric axis (numbers as strings too) by its own min and max', () => {
    const layout = parallelLayout(runs, ['params.lr']);
    assert.equal(layout.axes[0].kind, 'numeric');
    assert.deepEqual(positions(layout, 'params.lr'), [
      ['a', 0, '0.1'],
      ['b', 1, '0.3'],
      ['c', 0.5, '0.2']
    ]);
    assert.deepEqual(
      layout.axes[0].ticks.map(t => [t.position, t.label]),
      [
        [0, '0.1'],
        [0.25, '0.15'],
        [0.5, '0.2'],
        [0.75, '0.25'],
        [1, '0.3']
      ]
    );
  });

  it('draws a text param as evenly spaced categories with their labels', () => {
    const layout = parallelLayout(runs, ['params.class_weight']);
    const [axis] = layout.axes;
    assert.equal(axis.kind, 'categorical');
    assert.deepEqual(axis.ticks, [
      { label: 'balanced', position: 0 },
      { label: 'none', position: 1 }
    ]);
    assert.deepEqual(positions(layout, 'params.class_weight'), [
      ['a', 0, 'balanced'],
      ['b', 1, 'none'],
      ['c', 0, 'balanced']
    ]);
  });

  it('makes a mixed axis categorical, in natural order, every value kept', () => {
    const layout = parallelLayout(
      [run('a', { p: '10' }), run('b', { p: 'auto' }), run('c', { p: '2' })],
      ['p']
    );
    assert.deepEqual(
      layout.axes[0].ticks.map(t => t.label),
      ['2', '10', 'auto']
    );
    assert.deepEqual(positions(layout, 'p'), [
      ['a', 0.5, '10'],
      ['b', 1, 'auto'],
      ['c', 0, '2']
    ]);
  });

  it('leaves out missing values and non-finite metrics, centres a single value', () => {
    const layout = parallelLayout(runs, ['metrics.acc', 'params.missing']);
    assert.deepEqual(positions(layout, 'metrics.acc'), [
      ['a', 0, '0.8'],
      ['b', 1, '0.9']
    ]);
    assert.deepEqual(layout.axes[1].ticks, []);
    const single = parallelLayout(
      [run('a', { x: 5 }), run('b', { x: 5 })],
      ['x']
    );
    assert.deepEqual(single.axes[0].ticks, [{ position: 0.5, label: '5' }]);
    assert.deepEqual(positions(single, 'x'), [
      ['a', 0.5, '5'],
      ['b', 0.5, '5']
    ]);
  });

  it('labels at most about MAX_CATEGORY_LABELS categories, the last always', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      run(`r${i}`, { name: `cat-${i}` })
    );
    const [axis] = parallelLayout(many, ['name']).axes;
    assert.ok(axis.ticks.length <= MAX_CATEGORY_LABELS + 1);
    assert.equal(axis.ticks[axis.ticks.length - 1].label, 'cat-39');
    assert.equal(axis.ticks[axis.ticks.length - 1].position, 1);
  });

  it('formats ticks short', () => {
    assert.equal(tickText(0.30000000000000004), '0.3');
    assert.equal(tickText(123456.789), '123500');
    assert.equal(tickText(12345678), '1.23e+7');
    assert.equal(tickText(0), '0');
  });
});

describe('parallelCoordinatesSpec', () => {
  it('draws axes, a line per run, tick labels and axis names in the order chosen', () => {
    const spec: Spec = parallelCoordinatesSpec(runs, [
      'metrics.acc',
      'params.class_weight'
    ]);
    const [rules, lines, ticks, names] = spec.layer;
    assert.deepEqual(rules.data.values, [
      { axis: 'metrics.acc', order: 0 },
      { axis: 'params.class_weight', order: 1 }
    ]);
    assert.deepEqual(
      lines.data.values.map((p: Spec) => [p.run, p.order]),
      [
        ['a', 0],
        ['b', 0],
        ['a', 1],
        ['b', 1],
        ['c', 1]
      ]
    );
    assert.deepEqual(lines.encoding.color.scale, {
      domain: ['a', 'b', 'c'],
      range: ['#a', '#b', '#c']
    });
    assert.ok(
      ticks.data.values.some(
        (t: Spec) => t.axis === 'params.class_weight' && t.label === 'none'
      )
    );
    assert.equal(names.encoding.text.field, 'axis');
    assert.equal(names.encoding.tooltip.field, 'axis');
  });

  it('never puts a store string into an expression', () => {
    const hostile = "a'] + alert(1) + ['";
    const spec = parallelCoordinatesSpec(
      [run('r', { [hostile]: hostile }), run('s', { [hostile]: 'x' })],
      [hostile]
    );
    const expressions = JSON.stringify(spec, (key, value) =>
      key === 'values' ? undefined : value
    );
    assert.ok(!expressions.includes('alert'));
  });
});
