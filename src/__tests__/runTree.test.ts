import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { IRun } from '../api';
import { groupRuns } from '../grouping';
import { flattenRunTree, tableRows } from '../runTree';
import { testRun } from './fixtures';

const run = (
  id: string,
  parent?: string,
  params: Record<string, string> = {}
) => testRun(id, { parent, params });

const names = (rows: { kind: string; run?: IRun; depth?: number }[]) =>
  rows.map(r => `${'-'.repeat(r.depth ?? 0)}${r.run?.info.run_id}`);

describe('flattenRunTree', () => {
  const runs = [
    run('c2', 'p'),
    run('p'),
    run('c1', 'p'),
    run('x'),
    run('c3', 'p')
  ];

  it('collapses parents by default and counts their children', () => {
    const rows = flattenRunTree(runs, new Set());
    assert.deepEqual(names(rows), ['p', 'x']);
    assert.equal(rows[0].childCount, 3);
    assert.equal(rows[0].expanded, false);
    assert.equal(rows[1].childCount, 0);
  });

  it('shows the children of an expanded parent indented, in the given order', () => {
    const rows = flattenRunTree(runs, new Set(['p']));
    assert.deepEqual(names(rows), ['p', '-c2', '-c1', '-c3', 'x']);
    assert.equal(rows[0].expanded, true);
  });

  it('sorts siblings within their parent by keeping the input order', () => {
    const reversed = [...runs].reverse();
    assert.deepEqual(names(flattenRunTree(reversed, new Set(['p']))), [
      'x',
      'p',
      '-c3',
      '-c1',
      '-c2'
    ]);
  });

  it('shows a child whose parent is not loaded at the top level', () => {
    const rows = flattenRunTree([run('a', 'gone'), run('b')], new Set());
    assert.deepEqual(names(rows), ['a', 'b']);
  });

  it('nests grandchildren and hides them under a collapsed ancestor', () => {
    const deep = [run('g', 'c'), run('c', 'p'), run('p')];
    assert.deepEqual(names(flattenRunTree(deep, new Set(['p', 'c']))), [
      'p',
      '-c',
      '--g'
    ]);
    assert.deepEqual(names(flattenRunTree(deep, new Set(['c']))), ['p']);
  });

  it('survives a parent cycle and a run that is its own parent', () => {
    const rows = flattenRunTree(
      [run('a', 'b'), run('b', 'a'), run('s', 's')],
      new Set(['a'])
    );
    assert.deepEqual(names(rows).sort(), ['-b', 'a', 's']);
  });
});

describe('tableRows', () => {
  const runs = [
    run('p', undefined, { lr: '1' }),
    run('c', 'p', { lr: '1' }),
    run('q', undefined, { lr: '2' })
  ];
  const groups = groupRuns(runs, { kind: 'param', key: 'lr' });

  it('is the run tree without groups', () => {
    assert.deepEqual(names(tableRows(runs, null, new Set(), new Set())), [
      'p',
      'q'
    ]);
  });

  it('puts a group row before the indented tree of its runs', () => {
    const rows = tableRows(runs, groups, new Set(['p']), new Set());
    assert.deepEqual(
      rows.map(r =>
        r.kind === 'group' ? `[${r.group.label}]` : names([r])[0]
      ),
      ['[1]', '-p', '--c', '[2]', '-q']
    );
  });

  it('hides the runs of a collapsed group', () => {
    const rows = tableRows(runs, groups, new Set(), new Set([groups[0].key]));
    assert.deepEqual(
      rows.map(r =>
        r.kind === 'group' ? `[${r.group.label}]` : names([r])[0]
      ),
      ['[1]', '[2]', '-q']
    );
    assert.equal(rows[0].kind === 'group' && rows[0].expanded, false);
  });
});
