import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { IRun } from '../api';
import {
  ATTRIBUTE_COLUMNS,
  columnFromId,
  dataColumn,
  defaultColumns,
  MAX_DEFAULT_COLUMNS,
  parseColumnChoices,
  shownColumns
} from '../columns';

const NOW = Date.UTC(2026, 0, 31, 12, 0, 0);

function run(overrides: Partial<IRun['info']> = {}): IRun {
  return {
    info: {
      run_id: 'a'.repeat(32),
      experiment_id: '1',
      run_name: 'calm-fox',
      user_id: 'ada',
      status: 'FINISHED',
      start_time: NOW - 5 * 60_000,
      end_time: NOW - 5 * 60_000 + 12_300,
      lifecycle_stage: 'active',
      artifact_uri: '',
      ...overrides
    },
    data: {
      metrics: {
        acc: { key: 'acc', value: 0.912345678, timestamp: NOW, step: 3 },
        'val `loss`': {
          key: 'val `loss`',
          value: 'NaN',
          timestamp: NOW,
          step: 3
        }
      },
      params: { lr: '0.01' },
      tags: {
        'mlflow.source.name': '/home/ada/work/train.ipynb',
        team: 'vision'
      }
    },
    inputs: []
  };
}

const attribute = (id: string) => ATTRIBUTE_COLUMNS.find(c => c.id === id)!;

describe('the fixed columns', () => {
  it('show when the run was created, relative to now, with the full date as title', () => {
    const created = attribute('attributes.start_time');
    assert.equal(created.render(run(), NOW), '5 min ago');
    assert.equal(
      created.title!(run()),
      new Date(NOW - 5 * 60_000).toLocaleString()
    );
    assert.equal(created.orderBy, 'attributes.start_time');
  });

  it('show the duration, up to now while the run runs, and cannot sort by it', () => {
    const duration = attribute('duration');
    assert.equal(duration.render(run(), NOW), '12.3s');
    assert.equal(duration.render(run({ end_time: null }), NOW), '5m 00s');
    assert.equal(duration.orderBy, null);
  });

  it('show the user and the source file name, with the whole source as title', () => {
    assert.equal(attribute('attributes.user_id').render(run(), NOW), 'ada');
    const source = attribute('source');
    assert.equal(source.render(run(), NOW), 'train.ipynb');
    assert.equal(source.title!(run()), '/home/ada/work/train.ipynb');
    assert.equal(source.orderBy, 'tags.`mlflow.source.name`');
  });
});

describe('dataColumn', () => {
  it("quotes the key in MLflow's order_by identifier", () => {
    assert.equal(dataColumn('metric', 'acc').id, 'metrics.`acc`');
    assert.equal(dataColumn('param', 'lr').orderBy, 'params.`lr`');
    assert.equal(dataColumn('tag', 'a`b').id, 'tags.`a``b`');
  });

  it('renders metrics formatted, params and tags as stored, missing ones empty', () => {
    assert.equal(dataColumn('metric', 'acc').render(run(), NOW), '0.912346');
    assert.equal(dataColumn('metric', 'val `loss`').render(run(), NOW), 'NaN');
    assert.equal(dataColumn('param', 'lr').render(run(), NOW), '0.01');
    assert.equal(dataColumn('tag', 'team').render(run(), NOW), 'vision');
    assert.equal(dataColumn('metric', 'f1').render(run(), NOW), '');
    assert.equal(dataColumn('param', 'epochs').render(run(), NOW), '');
  });

  it('makes metric columns narrower than the others', () => {
    assert.equal(dataColumn('metric', 'acc').width, 100);
    assert.equal(dataColumn('param', 'lr').width, 120);
  });
});

describe('columnFromId', () => {
  it('finds the fixed columns by id', () => {
    assert.equal(columnFromId('duration'), attribute('duration'));
    assert.equal(
      columnFromId('attributes.user_id'),
      attribute('attributes.user_id')
    );
  });

  it('reads saved ids, quoted or not, back to the same column', () => {
    for (const [id, kind, key] of [
      ['params.lr', 'param', 'lr'],
      ['metrics.`acc`', 'metric', 'acc'],
      ['tags.`a``b`', 'tag', 'a`b'],
      ['metrics.`val loss`', 'metric', 'val loss']
    ]) {
      const column = columnFromId(id)!;
      assert.equal(column.kind, kind, id);
      assert.equal(column.key, key, id);
      assert.equal(columnFromId(column.id)!.id, column.id);
    }
  });

  it('refuses ids of no column', () => {
    assert.equal(columnFromId('bogus'), undefined);
    assert.equal(columnFromId('attributes.nope'), undefined);
    assert.equal(columnFromId('metrics.'), undefined);
  });
});

function sweepRun(
  params: Record<string, string>,
  metrics: string[],
  id = Object.values(params).join('-')
): IRun {
  const base = run({ run_id: id });
  return {
    ...base,
    data: {
      params,
      tags: {},
      metrics: Object.fromEntries(
        metrics.map(key => [key, { key, value: 1, timestamp: NOW, step: 0 }])
      )
    }
  };
}

const ids = (columns: { id: string }[]) => columns.map(c => c.id);

describe('defaultColumns', () => {
  const fixed = ATTRIBUTE_COLUMNS.slice(0, 2);

  it('adds every metric, then only the params that differ between the runs', () => {
    const same = { batch: '32', epochs: '10', optimizer: 'adam' };
    const runs = [
      sweepRun({ ...same, lr: '0.1', seed: '1' }, ['loss', 'acc']),
      sweepRun({ ...same, lr: '0.01', seed: '2' }, ['loss', 'f1']),
      sweepRun({ ...same, lr: '0.1', seed: '3' }, ['loss'])
    ];
    assert.deepEqual(ids(defaultColumns(runs, fixed)), [
      ...ids(fixed),
      'metrics.`acc`',
      'metrics.`f1`',
      'metrics.`loss`',
      'params.`lr`',
      'params.`seed`'
    ]);
  });

  it('counts a param that only some runs have as differing', () => {
    const runs = [
      sweepRun({ lr: '0.1', dropout: '0.5' }, []),
      sweepRun({ lr: '0.1' }, [])
    ];
    assert.deepEqual(ids(defaultColumns(runs, [])), ['params.`dropout`']);
  });

  it('shows no params for a single run or none, and keeps the fixed columns', () => {
    assert.deepEqual(
      ids(defaultColumns([sweepRun({ lr: '0.1' }, ['loss'])], fixed)),
      [...ids(fixed), 'metrics.`loss`']
    );
    assert.deepEqual(ids(defaultColumns([], fixed)), ids(fixed));
  });

  it('leaves out system metrics and caps metrics and params', () => {
    const many = Array.from({ length: MAX_DEFAULT_COLUMNS + 5 }, (_, i) =>
      String(i).padStart(2, '0')
    );
    const runs = [0, 1].map(n =>
      sweepRun(
        Object.fromEntries(many.map(k => [`p${k}`, String(n)])),
        ['system/cpu_utilization_percentage', ...many.map(k => `m${k}`)],
        `run${n}`
      )
    );
    const columns = defaultColumns(runs, []);
    const metrics = columns.filter(c => c.kind === 'metric');
    const params = columns.filter(c => c.kind === 'param');
    assert.equal(metrics.length, MAX_DEFAULT_COLUMNS);
    assert.equal(params.length, MAX_DEFAULT_COLUMNS);
    assert.equal(metrics[0].key, 'm00');
    assert.ok(!metrics.some(c => c.key.startsWith('system/')));
  });
});

describe('shownColumns', () => {
  it('shows the chosen columns, in their order, else the defaults', () => {
    const defaults = [attribute('duration')];
    assert.equal(shownColumns(undefined, defaults), defaults);
    assert.deepEqual(
      ids(shownColumns(['metrics.`loss`', 'bogus', 'duration'], defaults)),
      ['metrics.`loss`', 'duration']
    );
    assert.deepEqual(shownColumns([], defaults), []);
  });
});

describe('parseColumnChoices', () => {
  it('reads back what was stored', () => {
    const choices = { '1': ['duration', 'params.`lr`'], '1,4': [] };
    assert.deepEqual(parseColumnChoices(JSON.stringify(choices)), choices);
  });

  it('drops what is not a list of column ids, and survives broken JSON', () => {
    assert.deepEqual(parseColumnChoices(null), {});
    assert.deepEqual(parseColumnChoices('{not json'), {});
    assert.deepEqual(parseColumnChoices('[["duration"]]'), {});
    assert.deepEqual(parseColumnChoices('"x"'), {});
    assert.deepEqual(
      parseColumnChoices(
        '{"1": ["duration", 3], "2": "duration", "3": ["source"]}'
      ),
      { '3': ['source'] }
    );
  });
});
