import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { IFileInfo } from '../api';
import {
  IArtifactRoot,
  ITreeRow,
  Listing,
  rowId,
  treeKeyAction,
  visibleRows
} from '../artifactTree';

const root: IArtifactRoot = { owner: 'runs', id: 'r', label: 'Run files' };
const file = (path: string, is_dir = false): IFileInfo =>
  ({ path, is_dir, file_size: is_dir ? null : 1 }) as IFileInfo;

// outputs/ (deeper/ (inner.txt), notes.txt), model.pkl; basenames and full paths both.
const listings = new Map<string, Listing>([
  [rowId(root, ''), [file('outputs', true), file('model.pkl')]],
  [rowId(root, 'outputs'), [file('outputs/deeper', true), file('notes.txt')]],
  [rowId(root, 'outputs/deeper'), [file('inner.txt')]]
]);

const rows = (open: string[]) =>
  visibleRows([root], new Set(open.map(p => rowId(root, p))), listings);

describe('visibleRows', () => {
  it("lists an open directory's entries under it, with full paths and levels", () => {
    assert.deepEqual(
      rows(['', 'outputs']).map(r => [r.path, r.level, r.isDir]),
      [
        ['', 1, true],
        ['outputs', 2, true],
        ['outputs/deeper', 3, true],
        ['outputs/notes.txt', 3, false],
        ['model.pkl', 2, false]
      ]
    );
    assert.deepEqual(
      rows(['']).map(r => r.path),
      ['', 'outputs', 'model.pkl']
    );
  });
});

describe('treeKeyAction', () => {
  const shown = rows(['', 'outputs']);
  const open = new Set(['', 'outputs'].map(p => rowId(root, p)));
  const isOpen = (row: ITreeRow) => open.has(row.id);
  const at = (path: string) => shown.findIndex(r => r.path === path);
  const act = (path: string, key: string) =>
    treeKeyAction(shown, at(path), key, isOpen);

  it('moves up and down, to the first and last row', () => {
    assert.deepEqual(act('outputs', 'ArrowDown'), { kind: 'focus', index: 2 });
    assert.deepEqual(act('outputs', 'ArrowUp'), { kind: 'focus', index: 0 });
    assert.equal(act('model.pkl', 'ArrowDown'), null);
    assert.equal(act('', 'ArrowUp'), null);
    assert.deepEqual(act('outputs/notes.txt', 'Home'), {
      kind: 'focus',
      index: 0
    });
    assert.deepEqual(act('', 'End'), { kind: 'focus', index: 4 });
  });

  it('opens, goes in, closes and goes to the parent with Right and Left', () => {
    assert.deepEqual(act('outputs/deeper', 'ArrowRight'), { kind: 'open' });
    assert.deepEqual(act('outputs', 'ArrowRight'), { kind: 'focus', index: 2 });
    assert.equal(act('model.pkl', 'ArrowRight'), null);
    assert.deepEqual(act('outputs', 'ArrowLeft'), { kind: 'close' });
    assert.deepEqual(act('outputs/notes.txt', 'ArrowLeft'), {
      kind: 'focus',
      index: 1
    });
    assert.deepEqual(act('outputs/deeper', 'ArrowLeft'), {
      kind: 'focus',
      index: 1
    });
    assert.equal(
      treeKeyAction(shown, 0, 'ArrowLeft', () => false),
      null
    );
  });

  it('chooses with Enter and Space, ignores other keys', () => {
    assert.deepEqual(act('model.pkl', 'Enter'), { kind: 'activate' });
    assert.deepEqual(act('model.pkl', ' '), { kind: 'activate' });
    assert.equal(act('model.pkl', 'a'), null);
  });
});
