import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { IRun, TrackerAPI } from '../api';
import { RunModel } from '../model/RunModel';

function runAt(step: number, status = 'RUNNING'): IRun {
  return {
    info: { run_id: 'r', experiment_id: '1', status, run_name: 'r' },
    data: {
      params: {},
      tags: {},
      metrics: {
        loss: { key: 'loss', value: 1, step, timestamp: 1000 + step },
        'system/cpu_utilization_percentage': {
          key: 'system/cpu_utilization_percentage',
          value: 5,
          step: 0,
          timestamp: 1000
        }
      }
    }
  } as unknown as IRun;
}

/** An API that answers the run as `current()` says and counts history reads per key. */
function fakeApi(current: () => IRun) {
  const reads: string[] = [];
  const api = {
    getRun: async () => current(),
    searchRuns: async () => ({ items: [], nextPageToken: null }),
    metricHistory: async (_: string, key: string) => {
      reads.push(key);
      return { metrics: [], sampled: false };
    }
  };
  return { api: api as unknown as TrackerAPI, reads };
}

const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('RunModel', () => {
  it('reads the shown histories once, and again only when their metric moved', async () => {
    let run = runAt(3);
    const { api, reads } = fakeApi(() => run);
    const model = new RunModel({
      api,
      runId: 'r',
      refreshSeconds: 60,
      isVisible: () => false
    });
    await model.load();
    model.showHistories(['loss']);
    model.showHistories(['loss']); // asked twice while reading: read once
    await settle();
    assert.deepEqual(reads, ['loss']);
    assert.ok(model.histories.has('loss'));
    await model.load(); // nothing moved
    assert.deepEqual(reads, ['loss']);
    run = runAt(4);
    await model.load();
    await settle();
    assert.deepEqual(reads, ['loss', 'loss']);
    // Another tab's metrics: read when shown, the earlier history kept.
    model.showHistories(['system/cpu_utilization_percentage']);
    await settle();
    assert.deepEqual(reads, [
      'loss',
      'loss',
      'system/cpu_utilization_percentage'
    ]);
    assert.ok(model.histories.has('loss'));
    model.dispose();
  });

  it('keeps the run shown when a refresh fails, and says why', async () => {
    let fail = false;
    const { api } = fakeApi(() => {
      if (fail) {
        throw new Error('server down');
      }
      return runAt(1, 'FINISHED');
    });
    const model = new RunModel({
      api,
      runId: 'r',
      refreshSeconds: 60,
      isVisible: () => false
    });
    await model.load();
    fail = true;
    await model.load(); // resolves: the failure is kept in `error`
    assert.equal(model.run?.info.status, 'FINISHED');
    assert.equal(model.error, 'server down');
    fail = false;
    await model.load();
    assert.equal(model.error, null);
    model.dispose();
  });
});
