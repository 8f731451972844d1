import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { RUN_PALETTE, crc32, runColors } from '../palette';
import { contrastRatio } from './contrast';

describe('crc32', () => {
  it("is zlib's CRC-32 of the UTF-8 bytes", () => {
    // Python: zlib.crc32(b"abc") == 891568578, zlib.crc32("ünï".encode()) == 3687074026
    assert.equal(crc32(''), 0);
    assert.equal(crc32('abc'), 891_568_578);
    assert.equal(crc32('123456789'), 0xcbf43926);
    assert.equal(crc32('ünï'), 3_687_074_026);
  });
});

describe('runColors', () => {
  it('starts each run at the colour its id hashes to', () => {
    const colors = runColors(['abc']);
    assert.equal(colors.get('abc'), RUN_PALETTE[891_568_578 % 10]);
  });

  it('gives a run the same colour whatever else the view shows, unless it collides', () => {
    // Slots (crc32 % 10): run-1 -> 5, x -> 3, y -> 9, c -> 5.
    assert.equal(runColors(['run-1']).get('run-1'), RUN_PALETTE[5]);
    assert.equal(runColors(['x', 'y', 'run-1']).get('run-1'), RUN_PALETTE[5]);
    assert.equal(runColors(['run-1', 'x']).get('x'), RUN_PALETTE[3]);
    // c came first and holds slot 5: run-1 takes the next free one.
    const collided = runColors(['c', 'run-1']);
    assert.equal(collided.get('c'), RUN_PALETTE[5]);
    assert.equal(collided.get('run-1'), RUN_PALETTE[6]);
  });

  it('moves a colliding run to the next free colour', () => {
    // Two ids that hash to the same slot: the second takes the slot after it.
    const ids = Array.from({ length: 200 }, (_, i) => `run-${i}`);
    const first = ids[0];
    const slot = crc32(first) % 10;
    const twin = ids.find(id => id !== first && crc32(id) % 10 === slot)!;
    const colors = runColors([first, twin]);
    assert.equal(colors.get(first), RUN_PALETTE[slot]);
    assert.equal(colors.get(twin), RUN_PALETTE[(slot + 1) % 10]);
  });

  it('uses all ten colours for ten runs, then repeats', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `r${i}`);
    const colors = runColors(ids);
    assert.equal(new Set(ids.slice(0, 10).map(id => colors.get(id))).size, 10);
    assert.equal(colors.size, 12);
    for (const id of ids.slice(10)) {
      assert.equal(colors.get(id), RUN_PALETTE[crc32(id) % 10]);
    }
  });

  it('is stable: the same ids in the same order give the same colours', () => {
    const ids = ['abc123', 'f00', 'run-1', 'run-2', 'ünï'];
    assert.deepEqual([...runColors(ids)], [...runColors([...ids])]);
    assert.deepEqual(
      [...runColors([...ids, 'abc123']).entries()],
      [...runColors(ids).entries()]
    );
  });
});

describe('RUN_PALETTE', () => {
  // The chart and panel backgrounds: JupyterLab Light's layout colours 0 and 1, and Dark's.
  const BACKGROUNDS = { light: '#ffffff', dark0: '#111111', dark1: '#212121' };

  it('keeps every run colour at least 3:1 against both themes', () => {
    for (const color of RUN_PALETTE) {
      for (const [theme, background] of Object.entries(BACKGROUNDS)) {
        const ratio = contrastRatio(color, background);
        assert.ok(ratio >= 3, `${color} on ${theme}: ${ratio.toFixed(2)}`);
      }
    }
  });

  it('has ten different colours', () => {
    assert.equal(new Set(RUN_PALETTE).size, 10);
    assert.ok(RUN_PALETTE.every(c => /^#[0-9a-f]{6}$/.test(c)));
  });

  it('computes WCAG ratios', () => {
    assert.equal(contrastRatio('#000000', '#ffffff'), 21);
    assert.equal(contrastRatio('#777777', '#777777'), 1);
    // Category10's orange, which the palette replaced, is below 3:1 on white.
    assert.ok(contrastRatio('#ff7f0e', '#ffffff') < 3);
  });
});
