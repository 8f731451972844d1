/**
 * The chart view of the runs view: one chart per metric key over the visible runs, a
 * line per run in the palette's colours, a search over metric names, runs shown or
 * hidden from a legend. Histories come one request per metric for all runs (the bulk
 * history route, sampled by the server) and are fetched again only while a run is
 * RUNNING; a chart is redrawn only when its data changed, and keeps its zoom when it is.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useMemo, useRef, useState } from 'react';

import { IMetric, IRun, TrackerAPI } from '../api';
import { IZoom, metricChartSpec, zoomOfSignal } from '../charts';
import { IRunLegendEntry, runLegend } from '../runLegend';
import { VegaView } from './VegaView';
import { trackerPoll } from '../model/poll';

/** Points per run and chart: a chart is a few hundred pixels wide, and holds many runs. */
const CHART_POINTS = 200;
/** How near the screen a chart is drawn: a little ahead of scrolling. */
const CHART_DRAW_MARGIN = '400px';

export interface IRunsChartsProps {
  api: TrackerAPI;
  rendermime: IRenderMimeRegistry;
  /** The runs the table shows (filtered), in its order. */
  runs: IRun[];
  /** Runs hidden from the charts, by id. */
  hidden: Set<string>;
  onHiddenChange(hidden: Set<string>): void;
  refreshSeconds: number;
  isVisible(): boolean;
  trans: TranslationBundle;
}

interface IVegaView {
  addSignalListener(
    name: string,
    handler: (name: string, value: unknown) => void
  ): void;
  signal(name: string): unknown;
}

/** Histories of one metric by run id, with the text they came as (to spot no change). */
interface IMetricData {
  byRun: Map<string, IMetric[]>;
  text: string;
}

export function RunsCharts(props: IRunsChartsProps): JSX.Element {
  const { api, runs, hidden, trans } = props;
  const [search, setSearch] = useState('');
  const [data, setData] = useState<Record<string, IMetricData>>({});
  const [error, setError] = useState('');
  /** Each chart's zoom, kept across redraws. */
  const zooms = useRef(new Map<string, IZoom | null>());

  const legend = useMemo(() => runLegend(runs), [runs]);
  const metricKeys = useMemo(
    () => [...new Set(runs.flatMap(r => Object.keys(r.data.metrics)))].sort(),
    [runs]
  );
  const needle = search.trim().toLowerCase();
  const shownKeys = metricKeys.filter(k => k.toLowerCase().includes(needle));

  // Fetched again when the runs, their states or their latest metrics change.
  const runsKey = JSON.stringify(
    runs.map(r => [r.info.run_id, r.info.status, r.data.metrics])
  );
  const running = runs.some(r => r.info.status === 'RUNNING');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!running) {
      return;
    }
    const poll = trackerPoll(
      'jupyterlab-tracker:runs-charts',
      async () => setTick(t => t + 1),
      props.refreshSeconds,
      props.isVisible
    );
    return () => poll.dispose();
  }, [running, props.refreshSeconds, props.isVisible]);

  const keysKey = shownKeys.join('\n');
  useEffect(() => {
    let cancelled = false;
    const ids = runs.map(r => r.info.run_id);
    void Promise.all(
      shownKeys.map(async key => {
        const byRun = await api.metricHistories(ids, key, CHART_POINTS);
        return [key, byRun] as const;
      })
    ).then(
      fetched => {
        if (cancelled) {
          return;
        }
        setError('');
        setData(previous => {
          let changed = false;
          const next = { ...previous };
          for (const [key, byRun] of fetched) {
            const text = JSON.stringify([...byRun]);
            if (previous[key]?.text !== text) {
              next[key] = { byRun, text };
              changed = true;
            }
          }
          // The same object when nothing changed: no chart is drawn again.
          return changed ? next : previous;
        });
      },
      reason => {
        if (!cancelled) {
          setError(String(reason?.message ?? reason));
        }
      }
    );
    return () => {
      cancelled = true;
    };
    // runsKey and keysKey stand for runs and shownKeys.
  }, [api, runsKey, keysKey, tick]);

  const shownLegend = legend.filter(e => !hidden.has(e.runId));
  const toggle = (runId: string) => {
    const next = new Set(hidden);
    if (!next.delete(runId)) {
      next.add(runId);
    }
    props.onHiddenChange(next);
  };

  return (
    <div className="jp-tracker-runs-charts">
      <div className="jp-tracker-runs-charts-bar">
        <input
          type="search"
          className="jp-tracker-input jp-tracker-runs-charts-search"
          placeholder={trans.__('Search metrics')}
          aria-label={trans.__('Search metrics')}
          value={search}
          onChange={e => setSearch(e.target.value)}
        />
        <span className="jp-tracker-muted">
          {trans.__(
            '%1 of %2 metrics, %3 of %4 runs',
            shownKeys.length,
            metricKeys.length,
            shownLegend.length,
            legend.length
          )}
        </span>
      </div>
      {error && (
        <p className="jp-tracker-error" role="alert">
          {error}
        </p>
      )}
      <ul
        className="jp-tracker-runs-charts-legend"
        aria-label={trans.__('Runs in the charts')}
      >
        {legend.map(entry => {
          const isHidden = hidden.has(entry.runId);
          return (
            <li key={entry.runId}>
              <button
                className="jp-tracker-runs-charts-run"
                aria-pressed={!isHidden}
                title={
                  isHidden
                    ? trans.__('Show %1 in the charts', entry.label)
                    : trans.__('Hide %1 from the charts', entry.label)
                }
                onClick={() => toggle(entry.runId)}
              >
                <span
                  className="jp-tracker-runs-charts-swatch"
                  style={{
                    background: isHidden ? 'transparent' : entry.color,
                    borderColor: entry.color
                  }}
                />
                <span className={isHidden ? 'jp-tracker-muted' : ''}>
                  {entry.label}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {shownKeys.length === 0 ? (
        <p className="jp-tracker-muted jp-tracker-empty">
          {metricKeys.length === 0
            ? trans.__('These runs have no metrics.')
            : trans.__('No metric matches “%1”.', search)}
        </p>
      ) : (
        <div className="jp-tracker-chart-grid">
          {shownKeys.map(key => (
            <MetricChart
              key={key}
              metricKey={key}
              rendermime={props.rendermime}
              legend={shownLegend}
              data={data[key]}
              zooms={zooms.current}
            />
          ))}
        </div>
      )}
    </div>
  );
}

function MetricChart(props: {
  metricKey: string;
  rendermime: IRenderMimeRegistry;
  legend: IRunLegendEntry[];
  data: IMetricData | undefined;
  zooms: Map<string, IZoom | null>;
}): JSX.Element {
  const { metricKey, legend, data, zooms } = props;
  const legendKey = legend.map(e => e.runId).join(',');
  const spec = useMemo(() => {
    const series = legend
      .filter(e => data?.byRun.has(e.runId))
      .map(e => ({
        name: e.label,
        color: e.color,
        points: data!.byRun.get(e.runId)!
      }));
    return metricChartSpec(metricKey, series, {
      xAxis: 'step',
      logScale: false,
      smoothing: 0,
      legend: false,
      zoom: zooms.get(metricKey)
    });
    // legendKey stands for legend; the zoom is read when the data changes, not followed.
  }, [metricKey, legendKey, data]);
  const host = useRef<HTMLElement>(null);
  // Drawn once it comes near the screen: a hundred charts are not drawn up front.
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const node = host.current;
    if (seen || !node) {
      return;
    }
    if (typeof IntersectionObserver === 'undefined') {
      setSeen(true);
      return;
    }
    const observer = new IntersectionObserver(
      entries => {
        if (entries.some(e => e.isIntersecting)) {
          setSeen(true);
        }
      },
      { rootMargin: CHART_DRAW_MARGIN }
    );
    observer.observe(node);
    return () => observer.disconnect();
  }, [seen]);
  const onView = (view: unknown) => {
    const vega = view as IVegaView;
    // For tests and debugging: the drawn view, on its chart's element.
    Object.assign(host.current ?? {}, { trackerVegaView: vega });
    vega.addSignalListener('zoom', (_name, value) => {
      zooms.set(metricKey, zoomOfSignal(value));
    });
  };
  return (
    <figure
      className="jp-tracker-chart jp-tracker-runs-chart"
      ref={host}
      data-metric={metricKey}
      // The chart's name for a screen reader (its points have no descriptions).
      aria-label={metricKey}
      aria-busy={data === undefined || !seen}
    >
      {data && seen ? (
        <VegaView
          rendermime={props.rendermime}
          spec={spec}
          onView={onView}
          png={false}
        />
      ) : (
        // Drawn once its histories are in: an empty chart first would be drawn twice.
        <p className="jp-tracker-muted jp-tracker-runs-chart-loading">
          {metricKey}
        </p>
      )}
    </figure>
  );
}
