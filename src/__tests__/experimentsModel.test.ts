import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TrackerAPI } from '../api';
import { ExperimentsModel } from '../model/ExperimentsModel';

describe('ExperimentsModel', () => {
  it('loads the list once when two loads of it come together', async () => {
    const asked: string[] = [];
    const api = {
      experiments: async (viewType: string) => {
        asked.push(viewType);
        return [{ experiment_id: '1', name: 'a', lifecycle_stage: 'active' }];
      }
    } as unknown as TrackerAPI;
    const model = new ExperimentsModel({ api, isVisible: () => false });
    await Promise.all([model.load(), model.load()]);
    assert.deepEqual(asked, ['ACTIVE_ONLY']);
    assert.deepEqual(model.selected, ['1']);
    // Another list (deleted ones shown) is a new load, and so is a later one.
    model.showDeleted = true;
    await model.load();
    await model.load();
    assert.deepEqual(asked, ['ACTIVE_ONLY', 'ALL', 'ALL']);
    model.dispose();
  });
});
