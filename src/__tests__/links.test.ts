import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  checkedPlace,
  LINK_PATTERN,
  placeFromArgs,
  placeFromSearch,
  withoutLinkParams
} from '../links';

const RUN = '0123456789abcdef0123456789abcdef';

describe('placeFromSearch', () => {
  it('reads an experiment and a run from the forwarded URL', () => {
    const search = `?tracker-open=1&tracker-experiment=12&tracker-run=${RUN}`;
    assert.ok(LINK_PATTERN.test(search));
    assert.deepEqual(placeFromSearch(search), {
      experimentId: '12',
      runId: RUN
    });
  });

  it('reads a registered model and its version', () => {
    const search =
      '?tracker-open=1&tracker-model=churn%20model&tracker-version=3';
    assert.deepEqual(placeFromSearch(search), {
      modelName: 'churn model',
      version: '3'
    });
  });

  it('drops what has the wrong form, keeping what is valid', () => {
    assert.deepEqual(
      placeFromSearch('?tracker-experiment=12&tracker-run=not-a-run'),
      { experimentId: '12' }
    );
    assert.deepEqual(
      placeFromSearch(`?tracker-experiment=x1&tracker-run=${RUN}`),
      {}
    );
    assert.deepEqual(placeFromSearch('?tracker-model=m&tracker-version=v2'), {
      modelName: 'm'
    });
    assert.equal(LINK_PATTERN.test('?reset'), false);
  });
});

describe('checkedPlace', () => {
  it('refuses model names with control characters or over 256 characters', () => {
    assert.deepEqual(checkedPlace({ modelName: 'bad\nname' }), {});
    assert.deepEqual(checkedPlace({ modelName: 'm'.repeat(257) }), {});
    assert.deepEqual(checkedPlace({ modelName: 'm'.repeat(256) }), {
      modelName: 'm'.repeat(256)
    });
  });

  it('ignores values that are not strings (command arguments are any JSON)', () => {
    assert.deepEqual(placeFromArgs({ experimentId: 12, modelName: ['m'] }), {});
    assert.deepEqual(placeFromArgs({ experimentId: '7' }), {
      experimentId: '7'
    });
  });

  it('prefers the experiment when both are given', () => {
    assert.deepEqual(checkedPlace({ experimentId: '1', modelName: 'm' }), {
      experimentId: '1'
    });
  });
});

describe('withoutLinkParams', () => {
  it("removes only the link's own arguments", () => {
    const href =
      'http://host/lab/tree?reset&tracker-open=1&tracker-experiment=3&tracker-run=' +
      RUN +
      '&token=abc';
    assert.equal(
      withoutLinkParams(href),
      'http://host/lab/tree?reset=&token=abc'
    );
  });
});
