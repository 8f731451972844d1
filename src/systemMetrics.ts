/**
 * System metrics (`system/...`, MLflow's names: see docs/autologging.md and
 * jupyterlab_tracker/client/system_metrics.py) grouped into the run page's System charts:
 * one chart per quantity and unit (CPU %, memory MB, memory %, ..., one line per GPU).
 * Pure: keys in, groups out; unit-tested in src/__tests__/systemMetrics.test.ts.
 */

export const SYSTEM_PREFIX = 'system/';

export function isSystemMetric(key: string): boolean {
  return key.startsWith(SYSTEM_PREFIX);
}

/** The kinds of System charts, in the order the page shows them. */
export const SYSTEM_GROUP_KINDS = [
  'cpu',
  'process',
  'memory-percent',
  'memory-mb',
  'disk-percent',
  'disk-mb',
  'network',
  'gpu-utilization',
  'gpu-memory-percent',
  'gpu-memory-mb',
  'gpu-power-watts',
  'gpu-power-percent',
  'gpu-temperature',
  'other'
] as const;

export type SystemGroupKind = (typeof SYSTEM_GROUP_KINDS)[number];

/** One line of a System chart: a metric key and what the legend calls it. */
export interface ISystemSeries {
  key: string;
  /** "used", "received", "GPU 0", ... (for `other`: the name without the prefix). */
  label: string;
}

export interface ISystemGroup {
  /** Unique per chart: the kind, or `other:<name>` for a metric we have no rule for. */
  id: string;
  kind: SystemGroupKind;
  /** "%", "MB", "W", "°C" or "" when the name says no unit. */
  unit: string;
  series: ISystemSeries[];
}

/** A known name (without `system/`) -> its chart and its line's label. */
const RULES: [RegExp, SystemGroupKind, (m: RegExpMatchArray) => string][] = [
  [/^cpu_utilization_percentage$/, 'cpu', () => 'CPU'],
  [/^process_rss_megabytes$/, 'process', () => 'RSS'],
  [/^system_memory_usage_percentage$/, 'memory-percent', () => 'used'],
  [/^system_memory_usage_megabytes$/, 'memory-mb', () => 'used'],
  [/^disk_usage_percentage$/, 'disk-percent', () => 'used'],
  [/^disk_usage_megabytes$/, 'disk-mb', () => 'used'],
  [/^disk_available_megabytes$/, 'disk-mb', () => 'available'],
  [/^network_receive_megabytes$/, 'network', () => 'received'],
  [/^network_transmit_megabytes$/, 'network', () => 'sent'],
  [/^gpu_(\d+)_utilization_percentage$/, 'gpu-utilization', gpu],
  [/^gpu_(\d+)_memory_usage_percentage$/, 'gpu-memory-percent', gpu],
  [/^gpu_(\d+)_memory_usage_megabytes$/, 'gpu-memory-mb', gpu],
  [/^gpu_(\d+)_power_usage_watts$/, 'gpu-power-watts', gpu],
  [/^gpu_(\d+)_power_usage_percentage$/, 'gpu-power-percent', gpu],
  [/^gpu_(\d+)_temperature_celsius$/, 'gpu-temperature', gpu]
];

function gpu(match: RegExpMatchArray): string {
  return `GPU ${Number(match[1])}`;
}

/** MLflow's names end in their unit. */
const UNITS: [string, string][] = [
  ['_percentage', '%'],
  ['_megabytes', 'MB'],
  ['_watts', 'W'],
  ['_celsius', '°C']
];

export function systemMetricUnit(key: string): string {
  return UNITS.find(([suffix]) => key.endsWith(suffix))?.[1] ?? '';
}

const gpuIndex = (label: string) => Number(label.replace(/^GPU /, '')) || 0;

/**
 * The System charts for these metric keys (others than `system/...` are ignored): known
 * names by the rules above, any other `system/` metric in a chart of its own.
 */
export function groupSystemMetrics(keys: Iterable<string>): ISystemGroup[] {
  const groups = new Map<string, ISystemGroup>();
  for (const key of new Set(keys)) {
    if (!isSystemMetric(key)) {
      continue;
    }
    const name = key.slice(SYSTEM_PREFIX.length);
    let kind: SystemGroupKind = 'other';
    let label = name;
    for (const [pattern, ruleKind, labelOf] of RULES) {
      const match = name.match(pattern);
      if (match) {
        kind = ruleKind;
        label = labelOf(match);
        break;
      }
    }
    const id = kind === 'other' ? `other:${name}` : kind;
    const group = groups.get(id) ?? {
      id,
      kind,
      unit: systemMetricUnit(name),
      series: []
    };
    group.series.push({ key, label });
    groups.set(id, group);
  }
  const order = (g: ISystemGroup) => SYSTEM_GROUP_KINDS.indexOf(g.kind);
  const sorted = [...groups.values()].sort(
    (a, b) => order(a) - order(b) || a.id.localeCompare(b.id)
  );
  for (const group of sorted) {
    group.series.sort(
      group.kind.startsWith('gpu-')
        ? (a, b) => gpuIndex(a.label) - gpuIndex(b.label)
        : (a, b) => seriesRank(a) - seriesRank(b)
    );
  }
  return sorted;
}

/** Lines in the order the rules list them ("used" before "available", "received" first). */
function seriesRank(series: ISystemSeries): number {
  const name = series.key.slice(SYSTEM_PREFIX.length);
  const rank = RULES.findIndex(([pattern]) => pattern.test(name));
  return rank < 0 ? RULES.length : rank;
}
