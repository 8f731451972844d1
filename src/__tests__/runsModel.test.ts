import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { IRun, ISearchRunsRequest, TrackerAPI } from '../api';
import { RunsModel } from '../model/RunsModel';

function run(id: string, experimentId: string): IRun {
  return {
    info: { run_id: id, experiment_id: experimentId, start_time: 1 },
    data: {}
  } as unknown as IRun;
}

/** An API whose searchRuns answers from a table, or fails with the next queued error. */
function fakeApi(runs: Record<string, IRun[]>, failures: unknown[] = []) {
  const requests: ISearchRunsRequest[] = [];
  const api = {
    searchRuns: async (request: ISearchRunsRequest) => {
      requests.push(request);
      if (failures.length) {
        throw failures.shift();
      }
      const items = request.experiment_ids.flatMap(id => runs[id] ?? []);
      return { items, nextPageToken: null };
    },
    getRun: async () => {
      throw new Error('not used');
    },
    experimentStorage: async () => ({
      artifact_bytes: 0,
      artifact_files: 0,
      metric_points: 0,
      run_count: 0,
      unreadable: []
    })
  };
  return { api: api as unknown as TrackerAPI, requests };
}

const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('RunsModel', () => {
  it('never keeps the previous experiment rows under new experiments', async () => {
    const { api } = fakeApi({ '1': [run('a', '1')], '2': [run('b', '2')] });
    const model = new RunsModel({
      api,
      refreshSeconds: 60,
      isVisible: () => false
    });
    model.setExperiments('1');
    await settle();
    assert.deepEqual(
      model.runs.map(r => r.info.run_id),
      ['a']
    );
    model.setExperiments('2');
    assert.equal(model.runs.length, 0);
    assert.equal(model.loading, true);
    await settle();
    assert.deepEqual(
      model.runs.map(r => r.info.run_id),
      ['b']
    );
    assert.equal(model.loading, false);
    model.dispose();
  });

  it('tells a server failure from a bad filter, and Retry recovers', async () => {
    const { api, requests } = fakeApi({ '1': [run('a', '1')] }, [
      { status: 500, errorCode: 'INTERNAL_ERROR', message: 'down' },
      { status: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: 'bad' }
    ]);
    const model = new RunsModel({
      api,
      refreshSeconds: 60,
      isVisible: () => false
    });
    let changes = 0;
    model.changed.connect(() => changes++);
    model.setExperiments('1');
    await settle();
    assert.deepEqual(model.error, { kind: 'server', message: 'down' });
    model.setFilter('params.lr ===');
    await settle();
    assert.deepEqual(model.error, { kind: 'filter', message: 'bad' });
    assert.equal(requests[1].filter, 'params.lr ===');
    await model.reload();
    assert.equal(model.error, null);
    assert.deepEqual(
      model.runs.map(r => r.info.run_id),
      ['a']
    );
    assert.ok(changes > 0);
    model.dispose();
  });
});

describe('RunsModel column widths', () => {
  it('keeps widths per experiment across models, without a new query', async () => {
    const stored = new Map<string, string>();
    const g = globalThis as { window?: unknown };
    const previous = g.window;
    g.window = {
      localStorage: {
        getItem: (k: string) => stored.get(k) ?? null,
        setItem: (k: string, v: string) => stored.set(k, v)
      }
    };
    try {
      const { api, requests } = fakeApi({ '1': [run('a', '1')] });
      const options = { api, refreshSeconds: 60, isVisible: () => false };
      const model = new RunsModel(options);
      model.setExperiments('1');
      await settle();
      const queries = requests.length;
      model.setColumnWidths({ 'metrics.`acc`': 180, junk: 'x' as never });
      await settle();
      assert.equal(requests.length, queries, 'a resize is not a new query');
      assert.deepEqual(model.view.widths, { 'metrics.`acc`': 180 });
      model.dispose();

      // A reload of the page: a new model reads the widths back.
      const again = new RunsModel(options);
      again.setExperiments('1');
      assert.deepEqual(again.view.widths, { 'metrics.`acc`': 180 });
      again.setExperiments('2');
      assert.deepEqual(again.view.widths, {});
      again.dispose();
    } finally {
      g.window = previous;
    }
  });
});
