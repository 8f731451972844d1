/**
 * The rows the runs table shows: nested runs as a tree (children under the run whose id is
 * their `mlflow.parentRunId` tag, collapsed by default as in MLflow), optionally under
 * collapsible group rows. Pure functions, so 10,000 runs flatten in a few milliseconds.
 */
import { IRun } from './api';
import { IRunGroup } from './grouping';
import { PARENT_RUN_TAG } from './tags';

export interface IRunRow {
  kind: 'run';
  run: IRun;
  /** Nesting level: 0 at the top (or directly under a group row). */
  depth: number;
  /** Children of this run among the loaded runs. */
  childCount: number;
  expanded: boolean;
}

export interface IGroupRow {
  kind: 'group';
  group: IRunGroup;
  expanded: boolean;
}

export type TableRow = IRunRow | IGroupRow;

/**
 * Flattens `runs` into the visible rows of a tree. Siblings keep the order of `runs` (the
 * server's sort), so sorting sorts siblings within their parent. A run whose parent is not
 * among `runs` is shown at the top level. Only runs in `expanded` show their children.
 */
export function flattenRunTree(
  runs: IRun[],
  expanded: ReadonlySet<string>,
  baseDepth = 0
): IRunRow[] {
  const ids = new Set(runs.map(r => r.info.run_id));
  const children = new Map<string, IRun[]>();
  const roots: IRun[] = [];
  for (const run of runs) {
    const parent = run.data.tags[PARENT_RUN_TAG];
    if (parent && parent !== run.info.run_id && ids.has(parent)) {
      const siblings = children.get(parent);
      if (siblings) {
        siblings.push(run);
      } else {
        children.set(parent, [run]);
      }
    } else {
      roots.push(run);
    }
  }
  const rows: IRunRow[] = [];
  // A parent cycle (a -> b -> a) has no root; `placed` keeps such runs from looping forever
  // and they are shown at the top level after the others.
  const placed = new Set<string>();
  const visit = (run: IRun, depth: number) => {
    const id = run.info.run_id;
    placed.add(id);
    const kids = children.get(id) ?? [];
    const open = kids.length > 0 && expanded.has(id);
    rows.push({
      kind: 'run',
      run,
      depth,
      childCount: kids.length,
      expanded: open
    });
    if (open) {
      for (const kid of kids) {
        if (!placed.has(kid.info.run_id)) {
          visit(kid, depth + 1);
        }
      }
    }
  };
  for (const root of roots) {
    visit(root, baseDepth);
  }
  if (placed.size < runs.length) {
    const hidden = hiddenDescendants(roots, children);
    for (const run of runs) {
      if (!placed.has(run.info.run_id) && !hidden.has(run.info.run_id)) {
        visit(run, baseDepth);
      }
    }
  }
  return rows;
}

/** The runs under a collapsed ancestor: not shown, but not orphans either. */
function hiddenDescendants(
  roots: IRun[],
  children: Map<string, IRun[]>
): Set<string> {
  const seen = new Set<string>();
  const queue = roots.map(r => r.info.run_id);
  while (queue.length) {
    const id = queue.pop() as string;
    for (const kid of children.get(id) ?? []) {
      if (!seen.has(kid.info.run_id)) {
        seen.add(kid.info.run_id);
        queue.push(kid.info.run_id);
      }
    }
  }
  return seen;
}

/**
 * The table's rows: the run tree, or with `groups` one group row per group followed, when
 * the group is not in `collapsedGroups`, by the tree of its runs indented one level.
 */
export function tableRows(
  runs: IRun[],
  groups: IRunGroup[] | null,
  expandedRuns: ReadonlySet<string>,
  collapsedGroups: ReadonlySet<string>
): TableRow[] {
  if (!groups) {
    return flattenRunTree(runs, expandedRuns);
  }
  const rows: TableRow[] = [];
  for (const group of groups) {
    const expanded = !collapsedGroups.has(group.key);
    rows.push({ kind: 'group', group, expanded });
    if (expanded) {
      for (const row of flattenRunTree(group.runs, expandedRuns, 1)) {
        rows.push(row);
      }
    }
  }
  return rows;
}
