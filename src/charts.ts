/**
 * Metric charts as Vega-Lite specs (the dialect Altair emits, so the panel and the
 * notebook views draw runs the same way). Pure functions: data in, spec out.
 */
import { IMetric } from './api';
import { metricNumber } from './values';

export type XAxis = 'step' | 'time';

export interface IChartOptions {
  xAxis: XAxis;
  logScale: boolean;
  /** Exponential moving average weight in [0, 1): 0 means raw values. */
  smoothing: number;
  /** The zoom to start from (see `zoomOfSignal`), so a redraw keeps the user's zoom. */
  zoom?: IZoom | null;
  /** False when the view has its own legend of the runs. */
  legend?: boolean;
  /** The y axis's title (e.g. a unit) when it is not the chart's title. */
  yTitle?: string;
  /** What a line is, in the tooltip ("run" unless told). */
  seriesTitle?: string;
  /** Pixels (220 unless told). */
  height?: number;
}

/** A chart's zoom: the x and y domains of its scale-bound `zoom` selection. */
export interface IZoom {
  x?: [number, number];
  y?: [number, number];
}

/**
 * The zoom a chart's `zoom` signal holds (Vega-Lite keys it by field: `step` or `time`,
 * and `value`), or null when the chart is not zoomed.
 */
export function zoomOfSignal(value: unknown): IZoom | null {
  if (!value || typeof value !== 'object') {
    return null;
  }
  const fields = value as Record<string, unknown>;
  const range = (v: unknown): [number, number] | undefined =>
    Array.isArray(v) &&
    v.length === 2 &&
    v.every(n => Number.isFinite(Number(n)))
      ? [Number(v[0]), Number(v[1])]
      : undefined;
  const zoom: IZoom = {
    x: range(fields.step ?? fields.time),
    y: range(fields.value)
  };
  return zoom.x || zoom.y ? zoom : null;
}

export interface ISeries {
  /** The legend label, e.g. a run name. */
  name: string;
  color?: string;
  points: IMetric[];
}

const twoDigits = (n: number) => (n < 10 ? '0' : '') + n;

/**
 * A point's step, value (6 significant digits, as d3's `.6g`) and local clock time
 * (`HH:MM:SS`) as its tooltip shows them.
 */
export function tooltipTexts(
  step: number,
  value: number,
  timestamp: number
): { stepText: string; valueText: string; timeText: string } {
  const at = new Date(timestamp);
  return {
    stepText: String(step),
    valueText: Number.isFinite(value) ? value.toPrecision(6) : String(value),
    timeText: `${twoDigits(at.getHours())}:${twoDigits(at.getMinutes())}:${twoDigits(at.getSeconds())}`
  };
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
        value: values[i],
        ...tooltipTexts(p.step, values[i], p.timestamp)
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
    height: options.height ?? 220,
    autosize: { type: 'fit-x', contains: 'padding' },
    background: 'transparent',
    data: { values: rows },
    params: [
      {
        name: 'zoom',
        select: 'interval',
        bind: 'scales',
        ...(options.zoom ? { value: options.zoom } : {})
      }
    ],
    // Points make short histories (a run that just started) visible; long ones stay lines.
    mark: {
      type: 'line',
      interpolate: 'linear',
      strokeWidth: 1.5,
      clip: true,
      // No ARIA description per point: Vega-Lite formats one for each of a line's
      // points as it draws (20k per chart of 100 runs), and a screen reader is better
      // served by the chart's own label than by thousands of "step: 12; value: 0.3".
      aria: false,
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
        title: options.yTitle ?? title,
        scale: { type: options.logScale ? 'log' : 'linear', zero: false }
      },
      color: {
        field: 'run',
        type: 'nominal',
        legend:
          series.length > 1 && options.legend !== false
            ? { orient: 'bottom', title: null }
            : null,
        ...(colors.length === series.length
          ? {
              scale: {
                domain: series.map(s => s.name),
                range: series.map(s => s.color)
              }
            }
          : {})
      },
      // Texts made with the rows: Vega formats a tooltip's numbers for every point as
      // it draws (a line's points are its items), which was most of the drawing time
      // of a chart of 100 runs x 200 points.
      tooltip: [
        { field: 'run', type: 'nominal', title: options.seriesTitle ?? 'run' },
        { field: 'stepText', type: 'nominal', title: 'step' },
        { field: 'valueText', type: 'nominal', title: 'value' },
        { field: 'timeText', type: 'nominal', title: 'time' }
      ]
    }
  };
}

/** One run as the compare charts see it: a label, a colour and named numbers. */
export interface IRunPoint {
  runId: string;
  label: string;
  color: string;
  /** Values by axis name (e.g. `params.lr`, `metrics.loss`); missing ones are absent. */
  values: Record<string, number | string>;
}

/** Each run in its colour (the palette's), by its label; no legend. */
export function runColorScale(runs: IRunPoint[]) {
  return {
    field: 'run',
    type: 'nominal',
    legend: null,
    scale: { domain: runs.map(r => r.label), range: runs.map(r => r.color) }
  };
}

/** Scatter of one axis against another, a point per run. */
export function scatterSpec(
  runs: IRunPoint[],
  xAxis: string,
  yAxis: string
): Record<string, unknown> {
  const rows = runs
    .filter(r => r.values[xAxis] !== undefined && r.values[yAxis] !== undefined)
    .map(r => ({
      run: r.label,
      x: r.values[xAxis],
      y: Number(r.values[yAxis])
    }))
    .filter(r => Number.isFinite(r.y));
  const numericX = rows.every(r => Number.isFinite(Number(r.x)));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 'container',
    height: 240,
    autosize: { type: 'fit-x', contains: 'padding' },
    background: 'transparent',
    data: {
      values: numericX ? rows.map(r => ({ ...r, x: Number(r.x) })) : rows
    },
    mark: { type: 'point', filled: true, size: 70, opacity: 0.9 },
    encoding: {
      x: {
        field: 'x',
        type: numericX ? 'quantitative' : 'nominal',
        title: xAxis,
        ...(numericX ? { scale: { zero: false, nice: true, padding: 12 } } : {})
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: yAxis,
        scale: { zero: false, nice: true, padding: 12 }
      },
      color: runColorScale(runs),
      // Titled "x" and "y", not by the axes' names (store strings): Vega-Lite pastes
      // tooltip titles into an expression without escaping backslashes.
      tooltip: [
        { field: 'run', type: 'nominal' },
        { field: 'x', title: 'x' },
        { field: 'y', type: 'quantitative', title: 'y', format: '.6g' }
      ]
    }
  };
}
