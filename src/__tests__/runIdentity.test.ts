import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { idPartText, idParts, MIN_ID_PART, runLabels } from '../runIdentity';

// Three UUIDv7 ids made in the same millisecond: the first 12 digits (the time) agree.
const SWEEP = [
  '019a2b3c4d5e7a01b2c3d4e5f6a7b8c9',
  '019a2b3c4d5e7f11a2c3d4e5f6a7b8c9',
  '019a2b3c4d5e70ff9e8d7c6b5a493827'
];

describe('idParts', () => {
  it('shows the last MIN_ID_PART digits when they already differ', () => {
    const parts = idParts([
      '019a2b3c4d5e7a01b2c3d4e5f6111111',
      '019a2b3c4d5e7a01b2c3d4e5f6222222'
    ]);
    assert.equal(MIN_ID_PART, 6);
    assert.equal(parts.get('019a2b3c4d5e7a01b2c3d4e5f6111111'), '111111');
    assert.equal(parts.get('019a2b3c4d5e7a01b2c3d4e5f6222222'), '222222');
  });

  it('lengthens only the parts of ids whose ends agree', () => {
    const parts = idParts(SWEEP);
    // The first two end alike in '2c3d4e5f6a7b8c9' (15 digits): they need 16.
    assert.equal(parts.get(SWEEP[0]), 'b2c3d4e5f6a7b8c9');
    assert.equal(parts.get(SWEEP[1]), 'a2c3d4e5f6a7b8c9');
    assert.equal(parts.get(SWEEP[2]), '493827');
    // Each part ends its own id and no other one.
    for (const [id, part] of parts) {
      assert.ok(id.endsWith(part));
      assert.deepEqual(
        SWEEP.filter(other => other.endsWith(part)),
        [id]
      );
    }
  });

  it('gives the shortest such part', () => {
    const parts = idParts(SWEEP);
    for (const [id, part] of parts) {
      const shorter = part.slice(1);
      assert.ok(
        shorter.length < MIN_ID_PART ||
          SWEEP.some(other => other !== id && other.endsWith(shorter))
      );
    }
  });

  it('differs for runs made together, where the first eight digits agree', () => {
    const ids = Array.from(
      { length: 50 },
      (_, i) => '019a2b3c' + i.toString(16).padStart(24, '0')
    );
    const parts = idParts(ids);
    assert.equal(new Set(parts.values()).size, ids.length);
    assert.equal(new Set(ids.map(id => id.slice(0, 8))).size, 1);
  });

  it('shows an id whole when it is shorter than the minimum or ends another id', () => {
    const parts = idParts(['abc', 'xyz123456', '23456']);
    assert.equal(parts.get('abc'), 'abc');
    assert.equal(parts.get('23456'), '23456');
    assert.equal(parts.get('xyz123456'), '123456');
    assert.equal(idPartText('abc', 'abc'), 'abc');
    assert.equal(idPartText('xyz123456', '123456'), '…123456');
  });

  it('counts an id given twice once', () => {
    const parts = idParts([SWEEP[2], SWEEP[2]]);
    assert.deepEqual([...parts], [[SWEEP[2], '493827']]);
  });
});

describe('runLabels', () => {
  it('labels runs by name, and tells apart runs of one name by their id part', () => {
    const labels = runLabels([
      { runId: SWEEP[0], name: 'calm-fox-1' },
      { runId: SWEEP[1], name: 'calm-fox-1' },
      { runId: SWEEP[2], name: 'odd-yak-2' }
    ]);
    assert.equal(labels.get(SWEEP[0]), 'calm-fox-1 (…b2c3d4e5f6a7b8c9)');
    assert.equal(labels.get(SWEEP[1]), 'calm-fox-1 (…a2c3d4e5f6a7b8c9)');
    assert.equal(labels.get(SWEEP[2]), 'odd-yak-2');
  });

  it('labels a run without a name by its id part', () => {
    const labels = runLabels([
      { runId: SWEEP[2], name: '' },
      { runId: SWEEP[0], name: 'x' }
    ]);
    assert.equal(labels.get(SWEEP[2]), '…493827');
    assert.equal(labels.get(SWEEP[0]), 'x');
  });

  it('gives every run of the set a distinct label', () => {
    const runs = SWEEP.map(runId => ({ runId, name: 'same' }));
    assert.equal(new Set(runLabels(runs).values()).size, SWEEP.length);
  });
});
