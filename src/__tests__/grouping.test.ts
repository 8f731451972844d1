import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  groupByLabel,
  groupMean,
  groupRuns,
  NO_VALUE,
  parseGroupBy,
  parseGroupByChoices
} from '../grouping';
import { testRun } from './fixtures';

const run = (
  id: string,
  params: Record<string, string>,
  extra: {
    status?: string;
    metric?: number;
    tags?: Record<string, string>;
  } = {}
) =>
  testRun(id, {
    params,
    status: extra.status,
    acc: extra.metric,
    tags: extra.tags
  });

const summary = (groups: ReturnType<typeof groupRuns>) =>
  groups.map(g => `${g.label}:${g.runs.map(r => r.info.run_id).join('')}`);

describe('groupRuns', () => {
  const runs = [
    run('a', { lr: '0.1', seed: '1' }, { metric: 0.5 }),
    run('b', { lr: '0.2', seed: '1' }, { status: 'FAILED' }),
    run('c', { lr: '0.1', seed: '2' }, { metric: 0.7, tags: { team: 'x' } }),
    run('d', { seed: '3' })
  ];

  it('groups by a param in first-seen order, runs lacking it in (none)', () => {
    assert.deepEqual(summary(groupRuns(runs, { kind: 'param', key: 'lr' })), [
      '0.1:ac',
      '0.2:b',
      `${NO_VALUE}:d`
    ]);
  });

  it('groups by a tag and by an attribute', () => {
    assert.deepEqual(summary(groupRuns(runs, { kind: 'tag', key: 'team' })), [
      `${NO_VALUE}:abd`,
      'x:c'
    ]);
    assert.deepEqual(
      summary(groupRuns(runs, { kind: 'attribute', key: 'status' })),
      ['FINISHED:acd', 'FAILED:b']
    );
  });

  it('groups by all params except the seed', () => {
    assert.deepEqual(
      summary(groupRuns(runs, { kind: 'params-except', except: ['seed'] })),
      ['lr=0.1:ac', 'lr=0.2:b', `lr=${NO_VALUE}:d`]
    );
    assert.equal(
      groupRuns(runs, { kind: 'params-except', except: [] }).length,
      4
    );
  });

  it('keeps a missing value apart from the text "(none)"', () => {
    const groups = groupRuns([run('a', { k: NO_VALUE }), run('b', {})], {
      kind: 'param',
      key: 'k'
    });
    assert.equal(groups.length, 2);
    assert.notEqual(groups[0].key, groups[1].key);
  });

  it('averages a metric over the runs that logged it', () => {
    const [first, second] = groupRuns(runs, { kind: 'param', key: 'lr' });
    assert.ok(Math.abs((groupMean(first, 'acc') ?? 0) - 0.6) < 1e-12);
    assert.equal(groupMean(second, 'acc'), null);
  });

  it('describes the grouping', () => {
    assert.equal(
      groupByLabel({ kind: 'params-except', except: ['seed'] }),
      'all params except seed'
    );
    assert.equal(groupByLabel({ kind: 'param', key: 'lr' }), 'param lr');
  });
});

describe('parseGroupByChoices', () => {
  it('keeps valid groupings and drops malformed ones', () => {
    const raw = JSON.stringify({
      '1': { kind: 'param', key: 'lr' },
      '2': { kind: 'params-except', except: ['seed'] },
      '3': { kind: 'attribute', key: 'status' },
      '4': { kind: 'attribute', key: 'password' },
      '5': { kind: 'params-except', except: [1] },
      '6': 'param',
      '7': { kind: 'tag', key: '' }
    });
    assert.deepEqual(parseGroupByChoices(raw), {
      '1': { kind: 'param', key: 'lr' },
      '2': { kind: 'params-except', except: ['seed'] },
      '3': { kind: 'attribute', key: 'status' }
    });
  });

  it('returns nothing for broken or foreign JSON', () => {
    assert.deepEqual(parseGroupByChoices('{'), {});
    assert.deepEqual(parseGroupByChoices('[1]'), {});
    assert.deepEqual(parseGroupByChoices('null'), {});
    assert.deepEqual(parseGroupByChoices(null), {});
    assert.equal(parseGroupBy(null), null);
  });
});
