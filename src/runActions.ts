/**
 * Pure rules of the run actions toolbar (src/components/RunActions.tsx): which actions the
 * selection allows, what stays selected after one, and how a partial failure is told.
 */
import { IRun, IRunsUpdate, RunsAction, ViewType } from './api';
import { RESERVED_TAG_PREFIX } from './tags';

export interface IActionsAllowed {
  rename: boolean;
  delete: boolean;
  restore: boolean;
  tag: boolean;
  /** Only runs in the deleted stage can be deleted permanently. */
  purge: boolean;
}

export function allowedActions(selected: IRun[]): IActionsAllowed {
  const active = selected.filter(r => r.info.lifecycle_stage === 'active');
  const deleted = selected.length - active.length;
  return {
    rename: selected.length === 1 && active.length === 1,
    delete: active.length > 0,
    restore: deleted > 0,
    tag: active.length > 0,
    purge: selected.length > 0 && deleted === selected.length
  };
}

/** The runs of `selected` an action applies to (tags change on active runs only). */
export function actionTargets(selected: IRun[], action: RunsAction): string[] {
  const wanted = action === 'restore' ? 'deleted' : 'active';
  return selected
    .filter(r => r.info.lifecycle_stage === wanted)
    .map(r => r.info.run_id);
}

/**
 * The selection after an action: runs that left the lifecycle view (deleted while the view
 * shows active runs, restored while it shows deleted ones, or permanently deleted) are
 * dropped; the rest stay selected.
 */
export function selectionAfter(
  selected: Set<string>,
  action: RunsAction | 'purge',
  changed: string[],
  viewType: ViewType
): Set<string> {
  const leaves =
    action === 'purge' ||
    (action === 'delete' && viewType === 'ACTIVE_ONLY') ||
    (action === 'restore' && viewType === 'DELETED_ONLY');
  if (!leaves) {
    return selected;
  }
  const gone = new Set(changed);
  return new Set([...selected].filter(id => !gone.has(id)));
}

/** "2 runs were not changed: calm-fox (Run with id=… not found); …", or null if none failed. */
export function failureSummary(
  update: IRunsUpdate,
  runs: IRun[],
  limit = 5
): string | null {
  if (!update.failed.length) {
    return null;
  }
  const names = new Map(runs.map(r => [r.info.run_id, r.info.run_name]));
  const shown = update.failed
    .slice(0, limit)
    .map(f => `${names.get(f.run_id) || f.run_id}: ${f.message}`);
  const more = update.failed.length - shown.length;
  const count = update.failed.length;
  return (
    `${count} ${count === 1 ? 'run was' : 'runs were'} not changed (` +
    `${update.updated.length} changed):\n` +
    shown.join('\n') +
    (more > 0 ? `\n… and ${more} more` : '')
  );
}

/** The tag keys the selected runs carry that a user may remove (MLflow's reserved ones are kept out). */
export function removableTagKeys(selected: IRun[]): string[] {
  const keys = new Set<string>();
  for (const run of selected) {
    for (const key of Object.keys(run.data.tags ?? {})) {
      if (!key.startsWith(RESERVED_TAG_PREFIX)) {
        keys.add(key);
      }
    }
  }
  return [...keys].sort();
}
