/**
 * Grouping runs by a param, a tag, an attribute, or by all params except some (the common
 * "everything but the seed"). Pure: the table draws group rows from the result, and a chart
 * view can draw one aggregated line per group from the same groups.
 */
import { IRun } from './api';
import { metricNumber } from './values';

export type GroupBy =
  | { kind: 'param' | 'tag'; key: string }
  | { kind: 'attribute'; key: GroupAttribute }
  | { kind: 'params-except'; except: string[] };

/** The run attributes one can group by. */
export const GROUP_ATTRIBUTES = ['status', 'user_id'] as const;
export type GroupAttribute = (typeof GROUP_ATTRIBUTES)[number];

export interface IRunGroup {
  /** Stable and unique among the groups of one grouping: the value(s) as JSON. */
  key: string;
  /** For display: `lr=0.1, depth=3`; runs lacking the value show as "(none)". */
  label: string;
  /** The runs of the group, in the order they came (the table's sort). */
  runs: IRun[];
}

/** Shown for runs that lack the grouped value. */
export const NO_VALUE = '(none)';

function attributeValue(run: IRun, key: GroupAttribute): string | undefined {
  return key === 'status' ? run.info.status : run.info.user_id || undefined;
}

/**
 * Groups `runs`, keeping the order in which each group's first run came. With
 * `params-except`, runs are grouped by the values of every param the runs logged other
 * than the excepted ones (a param a run lacks counts as a value of its own).
 */
export function groupRuns(runs: IRun[], groupBy: GroupBy): IRunGroup[] {
  const groups = new Map<string, IRunGroup>();
  let keyOf: (run: IRun) => [string, string];
  if (groupBy.kind === 'params-except') {
    const except = new Set(groupBy.except);
    const names = new Set<string>();
    for (const run of runs) {
      for (const name in run.data.params) {
        if (!except.has(name)) {
          names.add(name);
        }
      }
    }
    const sorted = [...names].sort();
    keyOf = run => {
      const values = sorted.map(n => run.data.params[n]);
      return [
        JSON.stringify(values.map(v => (v === undefined ? null : v))),
        sorted.length
          ? sorted.map((n, i) => `${n}=${values[i] ?? NO_VALUE}`).join(', ')
          : NO_VALUE
      ];
    };
  } else {
    const value: (run: IRun) => string | undefined =
      groupBy.kind === 'attribute'
        ? run => attributeValue(run, groupBy.key)
        : groupBy.kind === 'param'
          ? run => run.data.params[groupBy.key]
          : run => run.data.tags[groupBy.key];
    keyOf = run => {
      const v = value(run);
      return [JSON.stringify(v ?? null), v ?? NO_VALUE];
    };
  }
  for (const run of runs) {
    const [key, label] = keyOf(run);
    const group = groups.get(key);
    if (group) {
      group.runs.push(run);
    } else {
      groups.set(key, { key, label, runs: [run] });
    }
  }
  return [...groups.values()];
}

/**
 * The mean of a metric's latest value over the group's runs that logged a finite one, or
 * null when none did (NaN and infinities are left out, as a chart's band would).
 */
export function groupMean(group: IRunGroup, metric: string): number | null {
  let sum = 0;
  let count = 0;
  for (const run of group.runs) {
    const metricValue = run.data.metrics[metric]?.value;
    const value = metricValue === undefined ? NaN : metricNumber(metricValue);
    if (Number.isFinite(value)) {
      sum += value;
      count++;
    }
  }
  return count ? sum / count : null;
}

/** A short description of the grouping, for the control and tooltips. */
export function groupByLabel(groupBy: GroupBy): string {
  if (groupBy.kind === 'params-except') {
    return groupBy.except.length
      ? `all params except ${groupBy.except.join(', ')}`
      : 'all params';
  }
  return `${groupBy.kind} ${groupBy.key}`;
}

export type GroupByChoices = Record<string, GroupBy>;

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(v => typeof v === 'string');
}

/** One stored grouping, or null when it is not a valid one. */
export function parseGroupBy(value: unknown): GroupBy | null {
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const v = value as Record<string, unknown>;
  if (v.kind === 'params-except' && isStringArray(v.except)) {
    return { kind: 'params-except', except: [...v.except] };
  }
  if ((v.kind === 'param' || v.kind === 'tag') && typeof v.key === 'string') {
    return v.key ? { kind: v.kind, key: v.key } : null;
  }
  if (
    v.kind === 'attribute' &&
    (GROUP_ATTRIBUTES as readonly unknown[]).includes(v.key)
  ) {
    return { kind: 'attribute', key: v.key as GroupAttribute };
  }
  return null;
}

/** The stored per-experiment groupings; anything malformed is dropped, never thrown. */
export function parseGroupByChoices(raw: string | null): GroupByChoices {
  let parsed: unknown;
  try {
    parsed = raw ? JSON.parse(raw) : {};
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {};
  }
  const choices: GroupByChoices = {};
  for (const [experiments, value] of Object.entries(parsed)) {
    const groupBy = parseGroupBy(value);
    if (groupBy) {
      choices[experiments] = groupBy;
    }
  }
  return choices;
}
