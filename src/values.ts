/**
 * Metric values as the API carries them. Pure (no HTTP, no JupyterLab import), so the
 * formatting and chart modules that need it stay testable on their own.
 */

/** Metric values may be "NaN", "Infinity" or "-Infinity" (JSON has no such numbers). */
export type MetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

/** A metric value as a JS number (NaN and the infinities included). */
export function metricNumber(value: MetricValue): number {
  return typeof value === 'number' ? value : Number(value);
}
