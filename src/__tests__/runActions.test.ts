import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { IRun } from '../api';
import {
  actionTargets,
  allowedActions,
  failureSummary,
  removableTagKeys,
  selectionAfter
} from '../runActions';

function run(
  id: string,
  stage: 'active' | 'deleted',
  tags: Record<string, string> = {}
): IRun {
  return {
    info: {
      run_id: id,
      experiment_id: '1',
      run_name: `name-${id}`,
      user_id: 'ada',
      status: 'FINISHED',
      start_time: 0,
      end_time: 0,
      lifecycle_stage: stage,
      artifact_uri: ''
    },
    data: { metrics: {}, params: {}, tags },
    inputs: []
  } as IRun;
}

describe('allowedActions', () => {
  it('renames one active run; deletes active ones; restores deleted ones', () => {
    assert.deepEqual(allowedActions([run('a', 'active')]), {
      rename: true,
      delete: true,
      restore: false,
      tag: true,
      purge: false
    });
    const mixed = allowedActions([run('a', 'active'), run('b', 'deleted')]);
    assert.equal(mixed.rename, false);
    assert.equal(mixed.delete, true);
    assert.equal(mixed.restore, true);
    assert.equal(mixed.purge, false, 'only when every selected run is deleted');
  });

  it('offers permanent deletion only for deleted runs', () => {
    const deleted = allowedActions([run('a', 'deleted'), run('b', 'deleted')]);
    assert.equal(deleted.purge, true);
    assert.equal(deleted.tag, false);
    assert.equal(allowedActions([]).purge, false);
  });
});

describe('actionTargets', () => {
  const selected = [
    run('a', 'active'),
    run('b', 'deleted'),
    run('c', 'active')
  ];
  it('deletes and tags the active runs, restores the deleted ones', () => {
    assert.deepEqual(actionTargets(selected, 'delete'), ['a', 'c']);
    assert.deepEqual(actionTargets(selected, 'set_tags'), ['a', 'c']);
    assert.deepEqual(actionTargets(selected, 'restore'), ['b']);
  });
});

describe('selectionAfter', () => {
  const selected = new Set(['a', 'b', 'c']);
  it('drops runs that left the lifecycle view', () => {
    assert.deepEqual(
      [...selectionAfter(selected, 'delete', ['a', 'b'], 'ACTIVE_ONLY')],
      ['c']
    );
    assert.deepEqual(
      [...selectionAfter(selected, 'restore', ['c'], 'DELETED_ONLY')],
      ['a', 'b']
    );
    assert.deepEqual(
      [...selectionAfter(selected, 'purge', ['b'], 'ALL')],
      ['a', 'c']
    );
  });
  it('keeps them where they still show', () => {
    assert.equal(selectionAfter(selected, 'delete', ['a'], 'ALL'), selected);
    assert.equal(
      selectionAfter(selected, 'set_tags', ['a'], 'ACTIVE_ONLY'),
      selected
    );
  });
});

describe('failureSummary', () => {
  const runs = [run('a', 'active'), run('b', 'deleted')];
  it('is null when nothing failed', () => {
    assert.equal(failureSummary({ updated: ['a'], failed: [] }, runs), null);
  });
  it('names the runs that failed, by name, with the reason, and counts the rest', () => {
    const text = failureSummary(
      {
        updated: ['a'],
        failed: [
          {
            run_id: 'b',
            error_code: 'INVALID_PARAMETER_VALUE',
            message: 'not active'
          },
          {
            run_id: 'x',
            error_code: 'RESOURCE_DOES_NOT_EXIST',
            message: 'not found'
          }
        ]
      },
      runs,
      1
    );
    assert.equal(
      text,
      '2 runs were not changed (1 changed):\nname-b: not active\n… and 1 more'
    );
  });
});

describe('removableTagKeys', () => {
  it('lists the user tags of the selected runs once, sorted, without mlflow.*', () => {
    const keys = removableTagKeys([
      run('a', 'active', { team: 'x', 'mlflow.runName': 'a' }),
      run('b', 'active', { stage: 'prod', team: 'y' })
    ]);
    assert.deepEqual(keys, ['stage', 'team']);
  });
});
