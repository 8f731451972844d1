/** Formatting shared by every view: times, durations, metric values. */
import { metricNumber, MetricValue } from './values';

export function formatDateTime(ms: number | null): string {
  return ms ? new Date(ms).toLocaleString() : '';
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", else the date. */
export function formatRelativeTime(
  ms: number | null,
  now = Date.now()
): string {
  if (!ms) {
    return '';
  }
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 45) {
    return 'just now';
  }
  if (seconds < 3600) {
    return `${Math.round(seconds / 60)} min ago`;
  }
  if (seconds < 86400) {
    return `${Math.round(seconds / 3600)} h ago`;
  }
  if (seconds < 30 * 86400) {
    return `${Math.round(seconds / 86400)} d ago`;
  }
  return new Date(ms).toLocaleDateString();
}

/** "850ms", "12.3s", "12m 04s", "3h 02m". */
export function formatDuration(ms: number | null): string {
  if (ms === null || ms < 0) {
    return '';
  }
  if (ms < 1000) {
    return `${ms}ms`;
  }
  const seconds = ms / 1000;
  if (seconds < 60) {
    return `${seconds.toFixed(1)}s`;
  }
  const minutes = Math.floor(seconds / 60);
  const pad = (n: number) => String(Math.floor(n)).padStart(2, '0');
  if (minutes < 60) {
    return `${minutes}m ${pad(seconds % 60)}s`;
  }
  return `${Math.floor(minutes / 60)}h ${pad(minutes % 60)}m`;
}

/** The run's duration: up to now while it runs. */
export function runDuration(
  start: number | null,
  end: number | null,
  now = Date.now()
): number | null {
  if (!start) {
    return null;
  }
  return (end ?? now) - start;
}

export function formatMetric(value: MetricValue | undefined): string {
  if (value === undefined) {
    return '';
  }
  const n = metricNumber(value);
  if (!Number.isFinite(n)) {
    return String(n);
  }
  if (n !== 0 && (Math.abs(n) >= 1e6 || Math.abs(n) < 1e-4)) {
    return n.toExponential(3);
  }
  return String(Number(n.toPrecision(6)));
}

/** 1536 -> '1.5 KB': units of 1024 (the CLI's `format_bytes` says sizes the same way). */
export function formatBytes(size: number | null): string {
  if (size === null) {
    return '';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit ? value.toFixed(1) : value} ${units[unit]}`;
}
