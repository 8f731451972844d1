/**
 * Pure rules of the runs model: how refreshed runs merge into the list, which failures are
 * the user's filter and which are the server's, and what stored view state may be trusted.
 * No DOM, no fetch: unit-tested in src/__tests__/runsState.test.ts.
 */
import type { IRun, ViewType } from '../api';

export interface ISort {
  orderBy: string;
  ascending: boolean;
}

export const DEFAULT_SORT: ISort = {
  orderBy: 'attributes.start_time',
  ascending: false
};

const VIEW_TYPES: ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];

/** Column widths in pixels the user set, by column id (`metrics.\`acc\``, NAME_COLUMN). */
export type ColumnWidths = Readonly<Record<string, number>>;

/** The run-name column's key in ColumnWidths (no data column has this id). */
export const NAME_COLUMN = 'attributes.run_name';
export const MIN_COLUMN_WIDTH = 48;
export const MAX_COLUMN_WIDTH = 1200;
/** At most this many widths are kept per experiment (the newest ones win). */
const MAX_STORED_WIDTHS = 200;

export function clampColumnWidth(width: number): number {
  return Math.round(
    Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, width))
  );
}

/** The runs view's choices for one experiment (or set of experiments). */
export interface IRunsViewState {
  filter: string;
  sort: ISort;
  viewType: ViewType;
  widths: ColumnWidths;
}

export const DEFAULT_VIEW_STATE: IRunsViewState = {
  filter: '',
  sort: DEFAULT_SORT,
  viewType: 'ACTIVE_ONLY',
  widths: {}
};

/** What failed while loading runs: the user's filter (fix it in place) or the server (retry). */
export interface ILoadError {
  kind: 'filter' | 'server';
  message: string;
}

/**
 * A 400 INVALID_PARAMETER_VALUE is the filter's (or sort's) fault; anything else (5xx, a
 * proxy's page, a network failure) is the server's.
 */
export function classifyLoadError(error: unknown): ILoadError {
  const e = error as {
    status?: unknown;
    errorCode?: unknown;
    message?: unknown;
  };
  const message =
    typeof e?.message === 'string' && e.message ? e.message : String(error);
  const isFilter =
    e?.status === 400 && e?.errorCode === 'INVALID_PARAMETER_VALUE';
  return { kind: isFilter ? 'filter' : 'server', message };
}

/** The newest start time in the list: refreshes ask only for runs started after it. */
export function newestStart(runs: IRun[]): number {
  let newest = 0;
  for (const run of runs) {
    newest = Math.max(newest, run.info.start_time ?? 0);
  }
  return newest;
}

/** The RUNNING runs to re-read on a refresh, at most `limit` of them. */
export function runningRuns(runs: IRun[], limit: number): IRun[] {
  return runs.filter(r => r.info.status === 'RUNNING').slice(0, limit);
}

/**
 * The list after a refresh: updated runs replace theirs in place; new runs (not yet
 * listed) go first when the list is newest-first, else last.
 */
export function mergeRefreshed(
  current: IRun[],
  fresh: IRun[],
  updated: IRun[],
  sort: ISort
): IRun[] {
  const byId = new Map(updated.map(r => [r.info.run_id, r]));
  const known = new Set(current.map(r => r.info.run_id));
  const added = fresh.filter(r => !known.has(r.info.run_id));
  const merged = current.map(r => byId.get(r.info.run_id) ?? r);
  const newestFirst =
    sort.orderBy === 'attributes.start_time' && !sort.ascending;
  return newestFirst ? [...added, ...merged] : [...merged, ...added];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Stored column widths: only finite numbers under ids of a sane length survive, clamped
 * to the widths a column may have.
 */
export function parseColumnWidths(value: unknown): ColumnWidths {
  if (!isObject(value)) {
    return {};
  }
  const widths: Record<string, number> = {};
  const entries = Object.entries(value).slice(-MAX_STORED_WIDTHS);
  for (const [id, width] of entries) {
    if (
      id.length > 0 &&
      id.length <= 1000 &&
      typeof width === 'number' &&
      Number.isFinite(width)
    ) {
      widths[id] = clampColumnWidth(width);
    }
  }
  return widths;
}

/** One stored view state, checked field by field; anything odd falls back to the default. */
export function parseViewState(value: unknown): IRunsViewState {
  if (!isObject(value)) {
    return DEFAULT_VIEW_STATE;
  }
  const sort = isObject(value.sort) ? value.sort : {};
  return {
    filter:
      typeof value.filter === 'string' && value.filter.length <= 10000
        ? value.filter
        : '',
    sort:
      typeof sort.orderBy === 'string' &&
      sort.orderBy.length <= 1000 &&
      typeof sort.ascending === 'boolean'
        ? { orderBy: sort.orderBy, ascending: sort.ascending }
        : DEFAULT_SORT,
    viewType: VIEW_TYPES.includes(value.viewType as ViewType)
      ? (value.viewType as ViewType)
      : 'ACTIVE_ONLY',
    widths: parseColumnWidths(value.widths)
  };
}

/** The stored view states by experiments key (untrusted JSON from localStorage). */
export function parseViewStates(
  text: string | null
): Record<string, IRunsViewState> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '{}');
  } catch {
    return {};
  }
  const states: Record<string, IRunsViewState> = {};
  if (isObject(parsed)) {
    for (const [key, value] of Object.entries(parsed)) {
      if (isObject(value)) {
        states[key] = parseViewState(value);
      }
    }
  }
  return states;
}

/** The panel's place kept across reloads: the selected experiments and the open run. */
export interface IPanelPlace {
  experimentIds: string[];
  openRun: string | null;
}

const isId = (v: unknown): v is string =>
  typeof v === 'string' && /^[\w-]{1,64}$/.test(v);

export function parsePanelPlace(text: string | null): IPanelPlace {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '{}');
  } catch {
    parsed = {};
  }
  const value = isObject(parsed) ? parsed : {};
  return {
    experimentIds: Array.isArray(value.experimentIds)
      ? value.experimentIds.filter(isId)
      : [],
    openRun: isId(value.openRun) ? value.openRun : null
  };
}

/**
 * The selection after the experiments list changed: the still-listed selected ones, else
 * the most recently updated active experiment.
 */
export function reconcileSelection(
  current: string[],
  all: {
    experiment_id: string;
    lifecycle_stage: string;
    last_update_time?: number | null;
  }[]
): string[] {
  const still = current.filter(id => all.some(e => e.experiment_id === id));
  if (still.length) {
    return still;
  }
  const newest = all
    .filter(e => e.lifecycle_stage === 'active')
    .sort((a, b) => (b.last_update_time ?? 0) - (a.last_update_time ?? 0))[0];
  return newest ? [newest.experiment_id] : [];
}
