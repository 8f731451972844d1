/**
 * Parallel coordinates for compare: every axis with its own value scale, numbers by
 * their min..max, text (a param such as `class_weight`) as evenly spaced categories with
 * their labels. The layout is computed here (pure, unit-tested in
 * src/__tests__/parallel.test.ts); the spec only draws it.
 *
 * Axis names, categories and run labels are store strings: they travel as data values
 * and are drawn as text. None of them is ever part of a Vega expression or a field name.
 */
import { IRunPoint, runColorScale } from './charts';

/** A label on an axis at `position` in [0, 1] (0 at the bottom). */
export interface IAxisTick {
  position: number;
  label: string;
}

export interface IParallelAxis {
  name: string;
  order: number;
  kind: 'numeric' | 'categorical';
  ticks: IAxisTick[];
}

/** Where one run crosses one axis. */
export interface IAxisPoint {
  run: string;
  axis: string;
  order: number;
  position: number;
  /** The value as shown in the tooltip. */
  text: string;
}

export interface IParallelLayout {
  axes: IParallelAxis[];
  points: IAxisPoint[];
}

/** Beyond this many categories only every n-th is labelled (all are still placed). */
export const MAX_CATEGORY_LABELS = 12;
/** Labels of a numeric axis: min, max and the quarters between. */
const NUMERIC_TICKS = 5;

/** A number as an axis label: 4 significant digits, exponents only for extremes. */
export function tickText(value: number): string {
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3)) {
    return value.toExponential(2);
  }
  return String(Number(value.toPrecision(4)));
}

const collator = new Intl.Collator(undefined, { numeric: true });

/** The finite number a value is, or null (text, NaN, infinities, empty). */
function numberOf(value: number | string): number | null {
  if (typeof value === 'string' && value.trim() === '') {
    return null;
  }
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A value is missing on an axis when the run has none, or a metric is NaN or infinite. */
function present(value: number | string | undefined): value is number | string {
  return (
    value !== undefined &&
    !(typeof value === 'number' && !Number.isFinite(value))
  );
}

/**
 * The axes and each run's position on them. An axis is numeric when every present value
 * is a finite number (params are strings such as "0.1"), else categorical: its distinct
 * values in natural order ("2" before "10"), evenly spaced from bottom to top.
 */
export function parallelLayout(
  runs: IRunPoint[],
  axisNames: string[]
): IParallelLayout {
  const axes: IParallelAxis[] = [];
  const points: IAxisPoint[] = [];
  axisNames.forEach((name, order) => {
    const values = runs
      .map(run => ({ run, value: run.values[name] }))
      .filter((v): v is { run: IRunPoint; value: number | string } =>
        present(v.value)
      );
    const numbers = values.map(v => numberOf(v.value));
    const numeric = numbers.every(n => n !== null);
    if (numeric) {
      const finite = numbers as number[];
      const low = Math.min(...finite);
      const high = Math.max(...finite);
      const scale = (n: number) =>
        high > low ? (n - low) / (high - low) : 0.5;
      axes.push({
        name,
        order,
        kind: 'numeric',
        ticks: numericTicks(low, high)
      });
      values.forEach((v, i) =>
        points.push({
          run: v.run.label,
          axis: name,
          order,
          position: scale(finite[i]),
          text: tickText(finite[i])
        })
      );
    } else {
      const categories = [...new Set(values.map(v => String(v.value)))].sort(
        collator.compare
      );
      const place = (i: number) =>
        categories.length > 1 ? i / (categories.length - 1) : 0.5;
      const every = Math.ceil(categories.length / MAX_CATEGORY_LABELS);
      axes.push({
        name,
        order,
        kind: 'categorical',
        ticks: categories
          .map((label, i) => ({ label, position: place(i) }))
          .filter((_, i) => i % every === 0 || i === categories.length - 1)
      });
      values.forEach(v => {
        const text = String(v.value);
        points.push({
          run: v.run.label,
          axis: name,
          order,
          position: place(categories.indexOf(text)),
          text
        });
      });
    }
  });
  return { axes, points };
}

function numericTicks(low: number, high: number): IAxisTick[] {
  if (!Number.isFinite(low)) {
    return [];
  }
  if (high <= low) {
    return [{ position: 0.5, label: tickText(low) }];
  }
  return Array.from({ length: NUMERIC_TICKS }, (_, i) => {
    const position = i / (NUMERIC_TICKS - 1);
    return { position, label: tickText(low + position * (high - low)) };
  });
}

/** Pixels a character of an axis name takes at the names' font size (an estimate). */
const CHAR_PX = 6.5;
const NAME_LIMIT_PX = 140;
const TICK_LIMIT_PX = 100;

/**
 * How the axis names fit under the axes at the chart's width (a Vega expression over
 * `width` and numbers only): level when the widest fits between two axes, else slanted,
 * else upright; each cut to the room it has, with the full name in its tooltip.
 */
function nameFit(axisCount: number, widestName: number) {
  const needed = Math.min(NAME_LIMIT_PX, widestName * CHAR_PX + 8);
  const room = `(width / ${axisCount})`;
  return {
    angle: { expr: `${room} >= ${needed} ? 0 : ${room} >= 28 ? -30 : -90` },
    align: { expr: `${room} >= ${needed} ? 'center' : 'right'` },
    limit: {
      expr: `${room} >= ${needed} ? ${needed} : ${NAME_LIMIT_PX}`
    }
  };
}

/** The Vega-Lite spec of a layout: axes, one line per run, tick labels, axis names. */
export function parallelCoordinatesSpec(
  runs: IRunPoint[],
  axisNames: string[],
  /** The labels' colour (the theme's text colour): Vega's themes leave text marks black. */
  textColor?: string
): Record<string, unknown> {
  const color = textColor ? { color: textColor } : {};
  const { axes, points } = parallelLayout(runs, axisNames);
  const axisRows = axes.map(a => ({ axis: a.name, order: a.order }));
  const tickRows = axes.flatMap(a =>
    a.ticks.map(t => ({ axis: a.name, order: a.order, ...t }))
  );
  const widest = Math.max(1, ...axes.map(a => a.name.length));
  const x = {
    field: 'order',
    type: 'ordinal',
    axis: null,
    scale: { domain: axes.map(a => a.order) }
  };
  // Every layer's y says "no axis": one layer with a default axis breaks the merge.
  const yScale = {
    type: 'quantitative',
    axis: null,
    scale: { domain: [0, 1] }
  };
  const y = { field: 'position', ...yScale };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 'container',
    height: 240,
    autosize: { type: 'fit-x', contains: 'padding' },
    background: 'transparent',
    config: { view: { stroke: null } },
    layer: [
      {
        data: { values: axisRows },
        mark: { type: 'rule', opacity: 0.45, ...color },
        encoding: {
          x,
          y: { datum: 0, ...yScale },
          y2: { datum: 1 }
        }
      },
      {
        data: { values: points },
        mark: { type: 'line', strokeWidth: 1.5, point: true, opacity: 0.85 },
        encoding: {
          x,
          y,
          color: runColorScale(runs),
          detail: { field: 'run', type: 'nominal' },
          order: { field: 'order', type: 'quantitative' },
          tooltip: [
            { field: 'run', type: 'nominal', title: 'run' },
            { field: 'axis', type: 'nominal', title: 'axis' },
            { field: 'text', type: 'nominal', title: 'value' }
          ]
        }
      },
      {
        data: { values: tickRows },
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'middle',
          dx: 5,
          fontSize: 10,
          ...color,
          limit: TICK_LIMIT_PX
        },
        encoding: {
          x,
          y,
          text: { field: 'label' },
          tooltip: [
            { field: 'axis', type: 'nominal', title: 'axis' },
            { field: 'label', type: 'nominal', title: 'value' }
          ]
        }
      },
      {
        data: { values: axisRows },
        mark: {
          type: 'text',
          fontWeight: 'bold',
          baseline: 'top',
          fontSize: 11,
          ...color,
          ...nameFit(Math.max(1, axes.length), widest)
        },
        encoding: {
          x,
          // Under the axes, beyond the lines' [0, 1] domain.
          y: { datum: -0.04, ...yScale },
          text: { field: 'axis' },
          tooltip: { field: 'axis', type: 'nominal', title: 'axis' }
        }
      }
    ]
  };
}
