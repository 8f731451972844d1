import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CompareModel, mapWithConcurrency } from '../compare';

describe('CompareModel', () => {
  it('keeps the run ids unique, in the order they were added', () => {
    const model = new CompareModel();
    model.add(['b', 'a', 'b']);
    model.add(['c', 'a']);
    assert.deepEqual(model.runIds, ['b', 'a', 'c']);
  });

  it('removes runs and emits each change once, with the new ids', () => {
    const model = new CompareModel();
    const seen: string[][] = [];
    model.changed.connect((sender, ids) => {
      assert.equal(sender, model);
      seen.push(ids);
    });
    model.add(['a', 'b', 'c']);
    model.remove(['b', 'x']);
    assert.deepEqual(model.runIds, ['a', 'c']);
    assert.deepEqual(seen, [
      ['a', 'b', 'c'],
      ['a', 'c']
    ]);
  });

  it('emits nothing when the ids do not change', () => {
    const model = new CompareModel();
    model.runIds = ['a', 'b'];
    let changes = 0;
    model.changed.connect(() => changes++);
    model.runIds = ['a', 'b'];
    model.add(['a']);
    model.remove(['zzz']);
    assert.equal(changes, 0);
    model.runIds = ['b', 'a']; // the order is part of the state
    assert.equal(changes, 1);
  });
});

describe('mapWithConcurrency', () => {
  it("keeps the items' order whatever order the work finishes in", async () => {
    const delays = [30, 5, 20, 0, 10];
    const results = await mapWithConcurrency(delays, 2, async delay => {
      await new Promise(resolve => setTimeout(resolve, delay));
      return delay * 2;
    });
    assert.deepEqual(results, [60, 10, 40, 0, 20]);
  });

  it('never runs more than the limit at once, and runs every item once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await mapWithConcurrency([...Array(9).keys()], 3, async item => {
      running++;
      most = Math.max(most, running);
      await new Promise(resolve => setTimeout(resolve, 1));
      running--;
      done.push(item);
    });
    assert.equal(most, 3);
    assert.deepEqual(
      done.sort((a, b) => a - b),
      [...Array(9).keys()]
    );
  });

  it('answers an empty list with an empty list', async () => {
    assert.deepEqual(await mapWithConcurrency([], 4, async () => 1), []);
  });

  it('rejects when a worker fails', async () => {
    await assert.rejects(
      mapWithConcurrency([1, 2], 2, async item => {
        if (item === 2) {
          throw new Error('no history');
        }
        return item;
      }),
      /no history/
    );
  });
});
