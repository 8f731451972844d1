/** Runs-table columns: the fixed ones and those the user picks from params, metrics, tags. */
import { IRun } from './api';
import {
  formatDuration,
  formatMetric,
  formatRelativeTime,
  runDuration
} from './format';
import { ITrackerPlace } from './links';
import { IVersionRef, versionLabel } from './registry';
import { SOURCE_NAME_TAG } from './tags';

export type ColumnKind = 'attribute' | 'param' | 'metric' | 'tag';

export interface IColumn {
  /** Stable id, also the MLflow order_by identifier: `metrics.\`acc\``, `attributes.start_time`. */
  id: string;
  kind: ColumnKind;
  key: string;
  label: string;
  width: number;
  /** The attribute to sort by on the server, or null when the column cannot sort. */
  orderBy: string | null;
  render(run: IRun, now: number): string;
  title?(run: IRun): string;
  /** Cells that are links (the Models column): shown as links instead of `render`. */
  links?(run: IRun): ICellLink[];
}

/** A link in a cell: its text and the place it opens. */
export interface ICellLink {
  label: string;
  place: ITrackerPlace;
}

/** The Models column: the registered versions whose source is the run. */
export const MODELS_COLUMN_ID = 'models';

export function modelsColumn(
  versionsOf: (runId: string) => IVersionRef[]
): IColumn {
  return {
    id: MODELS_COLUMN_ID,
    kind: 'attribute',
    key: MODELS_COLUMN_ID,
    label: 'Models',
    width: 160,
    orderBy: null,
    render: run => versionsOf(run.info.run_id).map(versionLabel).join(', '),
    title: run => versionsOf(run.info.run_id).map(versionLabel).join(', '),
    links: run =>
      versionsOf(run.info.run_id).map(ref => ({
        label: versionLabel(ref),
        place: { modelName: ref.name, version: ref.version }
      }))
  };
}

const quote = (key: string) => '`' + key.replace(/`/g, '``') + '`';

export const ATTRIBUTE_COLUMNS: IColumn[] = [
  {
    id: 'attributes.start_time',
    kind: 'attribute',
    key: 'start_time',
    label: 'Created',
    width: 110,
    orderBy: 'attributes.start_time',
    render: (run, now) => formatRelativeTime(run.info.start_time, now),
    title: run =>
      run.info.start_time ? new Date(run.info.start_time).toLocaleString() : ''
  },
  {
    id: 'duration',
    kind: 'attribute',
    key: 'duration',
    label: 'Duration',
    width: 90,
    orderBy: null,
    render: (run, now) =>
      formatDuration(runDuration(run.info.start_time, run.info.end_time, now))
  },
  {
    id: 'attributes.user_id',
    kind: 'attribute',
    key: 'user_id',
    label: 'User',
    width: 100,
    orderBy: 'attributes.user_id',
    render: run => run.info.user_id
  },
  {
    id: 'source',
    kind: 'tag',
    key: SOURCE_NAME_TAG,
    label: 'Source',
    width: 160,
    orderBy: `tags.\`${SOURCE_NAME_TAG}\``,
    render: run =>
      (run.data.tags[SOURCE_NAME_TAG] ?? '').split('/').pop() ?? '',
    title: run => run.data.tags[SOURCE_NAME_TAG] ?? ''
  },
  // Its versions are filled in by the runs view (`withModelVersions`).
  modelsColumn(() => [])
];

/** `columns` with the Models column reading the versions of `versionsOf`. */
export function withModelVersions(
  columns: IColumn[],
  versionsOf: (runId: string) => IVersionRef[]
): IColumn[] {
  return columns.map(c =>
    c.id === MODELS_COLUMN_ID ? modelsColumn(versionsOf) : c
  );
}

export function dataColumn(
  kind: Exclude<ColumnKind, 'attribute'>,
  key: string
): IColumn {
  const prefix = { param: 'params', metric: 'metrics', tag: 'tags' }[kind];
  const id = `${prefix}.${quote(key)}`;
  return {
    id,
    kind,
    key,
    label: key,
    width: kind === 'metric' ? 100 : 120,
    orderBy: id,
    render: run =>
      kind === 'metric'
        ? formatMetric(run.data.metrics[key]?.value)
        : ((kind === 'param' ? run.data.params[key] : run.data.tags[key]) ?? '')
  };
}

/** Column ids saved in settings ("params.lr", "metrics.acc") back to columns. */
export function columnFromId(id: string): IColumn | undefined {
  const fixed = ATTRIBUTE_COLUMNS.find(c => c.id === id);
  if (fixed) {
    return fixed;
  }
  const match = /^(params|metrics|tags)\.`?(.+?)`?$/.exec(id);
  if (!match) {
    return undefined;
  }
  const kind = ({ params: 'param', metrics: 'metric', tags: 'tag' } as const)[
    match[1] as 'params' | 'metrics' | 'tags'
  ];
  return dataColumn(kind, match[2].replace(/``/g, '`'));
}

/** At most this many metric and param columns each are shown by default. */
export const MAX_DEFAULT_COLUMNS = 12;

/** Metrics MLflow logs about the machine (`system/cpu_utilization_percentage`). */
const SYSTEM_METRIC_PREFIX = 'system/';

/**
 * The columns shown while the user has not chosen any for an experiment: the fixed ones,
 * then the latest value of each metric the runs logged (system metrics left out), then the
 * params whose value differs between the runs (a param some runs lack differs too).
 * Both sorted by name and capped at MAX_DEFAULT_COLUMNS each. When some of the runs
 * have registered model versions, the Models column comes right after the fixed ones.
 */
export function defaultColumns(
  runs: IRun[],
  fixed: IColumn[],
  hasModelVersions = false
): IColumn[] {
  const metrics = new Set<string>();
  const paramValues = new Map<string, Set<string | undefined>>();
  for (const run of runs) {
    for (const key of Object.keys(run.data.metrics)) {
      if (!key.startsWith(SYSTEM_METRIC_PREFIX)) {
        metrics.add(key);
      }
    }
    for (const key of Object.keys(run.data.params)) {
      paramValues.set(key, paramValues.get(key) ?? new Set());
    }
  }
  for (const [key, values] of paramValues) {
    for (const run of runs) {
      values.add(run.data.params[key]);
    }
  }
  const varying = [...paramValues]
    .filter(([, values]) => values.size > 1)
    .map(([key]) => key);
  const pick = (keys: Iterable<string>) =>
    [...keys].sort().slice(0, MAX_DEFAULT_COLUMNS);
  const models =
    hasModelVersions && !fixed.some(c => c.id === MODELS_COLUMN_ID)
      ? [modelsColumn(() => [])]
      : [];
  return [
    ...fixed,
    ...models,
    ...pick(metrics).map(key => dataColumn('metric', key)),
    ...pick(varying).map(key => dataColumn('param', key))
  ];
}

/** The columns a user chose, as column ids, by the experiments shown ("1" or "1,4"). */
export type ColumnChoices = Record<string, string[]>;

/**
 * Column choices read back from storage (JSON written by an older or another version, or
 * edited by hand): only string arrays under string keys survive, anything else is dropped.
 */
export function parseColumnChoices(text: string | null): ColumnChoices {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '{}');
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {};
  }
  const choices: ColumnChoices = {};
  for (const [key, ids] of Object.entries(parsed)) {
    if (Array.isArray(ids) && ids.every(id => typeof id === 'string')) {
      choices[key] = ids;
    }
  }
  return choices;
}

/** The chosen columns when there is a choice, else the defaults. */
export function shownColumns(
  chosen: string[] | undefined,
  defaults: IColumn[]
): IColumn[] {
  return chosen
    ? chosen.map(columnFromId).filter((c): c is IColumn => !!c)
    : defaults;
}
