/**
 * What the Model Metrics and System Metrics tabs share: the chart controls (x axis, log
 * scale, smoothing) and a chart of one or more histories of the run.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useMemo } from 'react';

import { IChartOptions, ISeries, metricChartSpec, XAxis } from '../../charts';
import { IHistory } from '../../model/RunModel';
import { VegaView } from '../VegaView';

export function ChartControls(props: {
  options: IChartOptions;
  trans: TranslationBundle;
  onChange(options: IChartOptions): void;
}): JSX.Element {
  const { options, trans, onChange } = props;
  return (
    <div className="jp-tracker-chart-controls">
      <label>
        {trans.__('X axis')}
        <select
          className="jp-tracker-select"
          value={options.xAxis}
          onChange={e =>
            onChange({ ...options, xAxis: e.target.value as XAxis })
          }
        >
          <option value="step">{trans.__('Step')}</option>
          <option value="time">{trans.__('Time')}</option>
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          checked={options.logScale}
          onChange={e => onChange({ ...options, logScale: e.target.checked })}
        />
        {trans.__('Log scale')}
      </label>
      <label className="jp-tracker-smoothing">
        {trans.__('Smoothing')}
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={options.smoothing}
          aria-label={trans.__('Smoothing')}
          onChange={e =>
            onChange({ ...options, smoothing: Number(e.target.value) })
          }
        />
        <span className="jp-tracker-muted">{options.smoothing.toFixed(2)}</span>
      </label>
      <span className="jp-tracker-muted">
        {trans.__('Drag to pan, scroll to zoom')}
      </span>
    </div>
  );
}

/** One line of a chart: a metric of the run, named in the legend. */
/** Why the metric histories of a tab could not be loaded, if they could not. */
export function HistoryError(props: {
  error: string | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  if (!props.error) {
    return null;
  }
  return (
    <p className="jp-tracker-error" role="alert">
      {props.trans.__('Could not load the metric histories: %1', props.error)}
    </p>
  );
}

export interface IChartLine {
  key: string;
  name: string;
}

/**
 * A chart of the run's histories of `lines` (one line each), "Loading" until they are
 * all read, with how many points it shows.
 */
export function RunMetricChart(props: {
  title: string;
  lines: IChartLine[];
  histories: ReadonlyMap<string, IHistory>;
  options: IChartOptions;
  rendermime: IRenderMimeRegistry | null;
  trans: TranslationBundle;
  /** The figure's `data-*` attributes (tests and styles find charts by them). */
  data: Record<string, string>;
}): JSX.Element {
  const { lines, histories, options, rendermime, trans } = props;
  const loaded = lines.map(line => histories.get(line.key));
  const ready = loaded.every(Boolean);
  const series: ISeries[] | null = useMemo(
    () =>
      ready
        ? lines.map((line, i) => ({
            name: line.name,
            points: loaded[i]!.points
          }))
        : null,
    // The histories map is replaced whenever a history is read again.
    [ready, histories, lines.map(l => l.key + '\n' + l.name).join('\n')]
  );
  const spec = useMemo(
    () => series && metricChartSpec(props.title, series, options),
    [series, props.title, options]
  );
  const points = loaded.reduce((n, h) => n + (h?.points.length ?? 0), 0);
  const sampled = loaded.some(h => h?.sampled);
  const attributes = Object.fromEntries(
    Object.entries(props.data).map(([k, v]) => [`data-${k}`, v])
  );
  return (
    <figure className="jp-tracker-chart" {...attributes}>
      {spec && rendermime ? (
        <VegaView rendermime={rendermime} spec={spec} />
      ) : (
        <p className="jp-tracker-muted">
          {trans.__('Loading %1…', props.title)}
        </p>
      )}
      <figcaption className="jp-tracker-muted">
        {ready &&
          (sampled
            ? trans.__('%1 points shown (downsampled by the server)', points)
            : trans._n('%1 point', '%1 points', points))}
      </figcaption>
    </figure>
  );
}
