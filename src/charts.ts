/**
 * Metric charts as Vega-Lite specs (the dialect Altair emits, so the panel and the
 * notebook views draw runs the same way). Pure functions: data in, spec out.
 */
import { IMetric, metricNumber } from './api';

export type XAxis = 'step' | 'time';

export interface IChartOptions {
  xAxis: XAxis;
  logScale: boolean;
  /** Exponential moving average weight in [0, 1): 0 means raw values. */
  smoothing: number;
}

export interface ISeries {
  /** The legend label, e.g. a run name. */
  name: string;
  color?: string;
  points: IMetric[];
}

/** TensorBoard-style debiased exponential moving average. */
export function smooth(values: number[], weight: number): number[] {
  if (weight <= 0) {
    return values;
  }
  let last = 0;
  let count = 0;
  return values.map(v => {
    if (!Number.isFinite(v)) {
      return v;
    }
    last = last * weight + (1 - weight) * v;
    count++;
    return last / (1 - Math.pow(weight, count));
  });
}

export function metricChartSpec(
  title: string,
  series: ISeries[],
  options: IChartOptions
): Record<string, unknown> {
  const rows = series.flatMap(s => {
    const values = smooth(
      s.points.map(p => metricNumber(p.value)),
      options.smoothing
    );
    return s.points
      .map((p, i) => ({
        run: s.name,
        step: p.step,
        time: p.timestamp,
        value: values[i]
      }))
      .filter(
        r => Number.isFinite(r.value) && (!options.logScale || r.value > 0)
      );
  });
  const colors = series.filter(s => s.color);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, anchor: 'start', fontSize: 13 },
    width: 'container',
    height: 220,
    autosize: { type: 'fit-x', contains: 'padding' },
    background: 'transparent',
    data: { values: rows },
    params: [{ name: 'zoom', select: 'interval', bind: 'scales' }],
    // Points make short histories (a run that just started) visible; long ones stay lines.
    mark: {
      type: 'line',
      interpolate: 'linear',
      strokeWidth: 1.5,
      clip: true,
      point: rows.length <= 50 * Math.max(1, series.length)
    },
    encoding: {
      x:
        options.xAxis === 'step'
          ? { field: 'step', type: 'quantitative', title: 'step' }
          : { field: 'time', type: 'temporal', title: 'time' },
      y: {
        field: 'value',
        type: 'quantitative',
        title: title,
        scale: { type: options.logScale ? 'log' : 'linear', zero: false }
      },
      color: {
        field: 'run',
        type: 'nominal',
        legend: series.length > 1 ? { orient: 'bottom', title: null } : null,
        ...(colors.length === series.length
          ? {
              scale: {
                domain: series.map(s => s.name),
                range: series.map(s => s.color)
              }
            }
          : {})
      },
      tooltip: [
        { field: 'run', type: 'nominal' },
        { field: 'step', type: 'quantitative' },
        { field: 'value', type: 'quantitative', format: '.6g' },
        { field: 'time', type: 'temporal', format: '%H:%M:%S' }
      ]
    }
  };
}
