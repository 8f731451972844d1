import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { IRun } from '../api';
import {
  clampColumnWidth,
  classifyLoadError,
  DEFAULT_VIEW_STATE,
  MAX_COLUMN_WIDTH,
  MIN_COLUMN_WIDTH,
  mergeRefreshed,
  NAME_COLUMN,
  parseColumnWidths,
  newestStart,
  parsePanelPlace,
  parseViewStates,
  reconcileSelection,
  runningRuns
} from '../model/runsState';

function run(id: string, start: number, status = 'FINISHED'): IRun {
  return {
    info: {
      run_id: id,
      experiment_id: '1',
      run_name: id,
      status,
      start_time: start,
      end_time: null,
      lifecycle_stage: 'active',
      user_id: 'u',
      artifact_uri: ''
    },
    data: { metrics: [], params: [], tags: [] }
  } as unknown as IRun;
}

const NEWEST_FIRST = { orderBy: 'attributes.start_time', ascending: false };

describe('mergeRefreshed', () => {
  it('puts new runs first in a newest-first list and updates in place', () => {
    const current = [run('b', 2, 'RUNNING'), run('a', 1)];
    const merged = mergeRefreshed(
      current,
      [run('c', 3), run('b', 2, 'RUNNING')],
      [run('b', 2, 'FINISHED')],
      NEWEST_FIRST
    );
    assert.deepEqual(
      merged.map(r => [r.info.run_id, r.info.status]),
      [
        ['c', 'FINISHED'],
        ['b', 'FINISHED'],
        ['a', 'FINISHED']
      ]
    );
  });

  it('appends new runs under any other order', () => {
    const merged = mergeRefreshed([run('a', 1)], [run('c', 3)], [], {
      orderBy: 'metrics.`loss`',
      ascending: true
    });
    assert.deepEqual(
      merged.map(r => r.info.run_id),
      ['a', 'c']
    );
  });
});

describe('refresh inputs', () => {
  it('finds the newest start and the running runs', () => {
    const runs = [run('a', 5, 'RUNNING'), run('b', 9), run('c', 1, 'RUNNING')];
    assert.equal(newestStart(runs), 9);
    assert.equal(newestStart([]), 0);
    assert.deepEqual(
      runningRuns(runs, 1).map(r => r.info.run_id),
      ['a']
    );
  });
});

describe('classifyLoadError', () => {
  it('tells a bad filter from a server failure', () => {
    assert.deepEqual(
      classifyLoadError({
        status: 400,
        errorCode: 'INVALID_PARAMETER_VALUE',
        message: 'bad filter'
      }),
      { kind: 'filter', message: 'bad filter' }
    );
    assert.equal(
      classifyLoadError({
        status: 500,
        errorCode: 'INTERNAL_ERROR',
        message: 'x'
      }).kind,
      'server'
    );
    assert.deepEqual(classifyLoadError(new TypeError('Failed to fetch')), {
      kind: 'server',
      message: 'Failed to fetch'
    });
  });
});

describe('stored state', () => {
  it('keeps valid view states and drops malformed fields', () => {
    const states = parseViewStates(
      JSON.stringify({
        '1': {
          filter: 'metrics.acc > 0.5',
          sort: { orderBy: 'metrics.`acc`', ascending: true },
          viewType: 'ALL'
        },
        '2': { filter: 7, sort: { orderBy: 1 }, viewType: '<img>' },
        '3': 'nonsense'
      })
    );
    assert.deepEqual(states['1'], {
      filter: 'metrics.acc > 0.5',
      sort: { orderBy: 'metrics.`acc`', ascending: true },
      viewType: 'ALL',
      widths: {}
    });
    assert.deepEqual(states['2'], DEFAULT_VIEW_STATE);
    assert.equal('3' in states, false);
    assert.deepEqual(parseViewStates('{not json'), {});
    assert.deepEqual(parseViewStates('[1]'), {});
  });

  it('keeps column widths that are numbers, clamped, beside the rest', () => {
    const states = parseViewStates(
      JSON.stringify({
        '1': {
          filter: '',
          widths: {
            'metrics.`acc`': 150.4,
            [NAME_COLUMN]: 5,
            'params.`lr`': 1e9,
            'tags.`t`': '120',
            'params.`x`': null,
            '': 100
          }
        },
        '2': { widths: [100, 200] },
        '3': { widths: 'wide' }
      })
    );
    assert.deepEqual(states['1'].widths, {
      'metrics.`acc`': 150,
      [NAME_COLUMN]: MIN_COLUMN_WIDTH,
      'params.`lr`': MAX_COLUMN_WIDTH
    });
    assert.deepEqual(states['2'].widths, {});
    assert.deepEqual(states['3'].widths, {});
    // A value that JSON cannot hold but a caller might pass.
    assert.deepEqual(parseColumnWidths({ a: NaN, b: Infinity, c: 60 }), {
      c: 60
    });
    assert.deepEqual(parseColumnWidths(null), {});
  });

  it('keeps at most 200 widths, the last ones written', () => {
    const many = Object.fromEntries(
      Array.from({ length: 250 }, (_, i) => [`params.\`p${i}\``, 100])
    );
    const widths = parseColumnWidths(many);
    assert.equal(Object.keys(widths).length, 200);
    assert.ok('params.`p249`' in widths && !('params.`p0`' in widths));
  });

  it('clamps a width to whole pixels between the bounds', () => {
    assert.equal(clampColumnWidth(10), MIN_COLUMN_WIDTH);
    assert.equal(clampColumnWidth(99.6), 100);
    assert.equal(clampColumnWidth(5000), MAX_COLUMN_WIDTH);
  });

  it('keeps only id-like experiment ids and run ids', () => {
    assert.deepEqual(
      parsePanelPlace(
        JSON.stringify({
          experimentIds: ['1', '<b>', 3, 'abc-1'],
          openRun: 'f00'
        })
      ),
      { experimentIds: ['1', 'abc-1'], openRun: 'f00' }
    );
    assert.deepEqual(parsePanelPlace('null'), {
      experimentIds: [],
      openRun: null
    });
    assert.deepEqual(parsePanelPlace('{"openRun": {"x": 1}}'), {
      experimentIds: [],
      openRun: null
    });
  });
});

describe('reconcileSelection', () => {
  const all = [
    { experiment_id: '1', lifecycle_stage: 'active', last_update_time: 5 },
    { experiment_id: '2', lifecycle_stage: 'active', last_update_time: 9 },
    { experiment_id: '3', lifecycle_stage: 'deleted', last_update_time: 99 }
  ];
  it('keeps listed selections, else picks the newest active experiment', () => {
    assert.deepEqual(reconcileSelection(['1', 'gone'], all), ['1']);
    assert.deepEqual(reconcileSelection(['gone'], all), ['2']);
    assert.deepEqual(reconcileSelection([], []), []);
  });
});
