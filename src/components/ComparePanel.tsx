/**
 * Compare runs: parameter diff, metric summary (last/min/max), and charts (metric
 * history overlay, parallel coordinates, scatter), one colour per run throughout.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import { closeIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useMemo, useState } from 'react';

import { IRun, metricNumber, TrackerAPI } from '../api';
import { IRunPoint, metricChartSpec, scatterSpec, XAxis } from '../charts';
import { formatMetric } from '../format';
import { CompareRunsModel, historyKey } from '../model/CompareRunsModel';
import { useModel } from '../model/useModel';
import { parallelCoordinatesSpec } from '../parallel';
import { runLegend } from '../runLegend';
import { CopyRunIdButton } from './RunId';
import { useThemeIsLight, VegaView } from './VegaView';

export interface IComparePanelProps {
  api: TrackerAPI;
  rendermime: IRenderMimeRegistry | null;
  runIds: string[];
  trans: TranslationBundle;
  onRemove(runId: string): void;
}

interface IComparedRun {
  run: IRun;
  label: string;
  color: string;
}

/** The narrowest a table column gets before the table scrolls sideways. */
const MIN_COLUMN_PX = 120;

/** The compared runs' data, from a model made once per panel. */
function useCompareData(
  api: TrackerAPI,
  runIds: string[],
  shownMetric: string
): CompareRunsModel {
  const model = useMemo(() => new CompareRunsModel({ api }), [api]);
  useEffect(() => () => model.dispose(), [model]);
  useEffect(
    () => model.show(runIds, shownMetric),
    [model, runIds.join(','), shownMetric]
  );
  return useModel(model);
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function RunHeader(props: {
  run: IComparedRun;
  trans: TranslationBundle;
  onRemove(runId: string): void;
}) {
  const { run, trans } = props;
  return (
    <th className="jp-tracker-compare-run" scope="col">
      <span className="jp-tracker-compare-run-label">
        <span
          className="jp-tracker-swatch"
          style={{ background: run.color }}
          aria-hidden="true"
        />
        <span title={run.run.info.run_id}>{run.label}</span>
        <CopyRunIdButton runId={run.run.info.run_id} trans={trans} />
        <button
          className="jp-tracker-icon-button"
          title={trans.__('Remove %1 from the comparison', run.label)}
          aria-label={trans.__('Remove %1', run.label)}
          onClick={() => props.onRemove(run.run.info.run_id)}
        >
          <closeIcon.react tag="span" />
        </button>
      </span>
    </th>
  );
}

function CompareTable(props: {
  caption: string;
  className: string;
  runs: IComparedRun[];
  rows: { key: string; cells: string[]; differs: boolean }[];
  trans: TranslationBundle;
  onRemove(runId: string): void;
}) {
  return (
    <div className="jp-tracker-compare-table-wrap">
      <table
        className={'jp-tracker-compare-table ' + props.className}
        // Columns share the panel's width; only many runs make it scroll.
        style={{ minWidth: (props.runs.length + 1) * MIN_COLUMN_PX }}
      >
        <caption className="jp-tracker-compare-caption">
          {props.caption}
        </caption>
        <thead>
          <tr>
            <th scope="col" />
            {props.runs.map(run => (
              <RunHeader
                key={run.run.info.run_id}
                run={run}
                trans={props.trans}
                onRemove={props.onRemove}
              />
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map(row => (
            <tr
              key={row.key}
              className={row.differs ? 'jp-mod-differs' : undefined}
              data-key={row.key}
            >
              <th scope="row" title={row.key}>
                {row.key}
              </th>
              {row.cells.map((cell, i) => (
                <td key={i} title={cell}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {props.rows.length === 0 && (
        <p className="jp-tracker-muted">{props.trans.__('Nothing to show.')}</p>
      )}
    </div>
  );
}

function Select(props: {
  label: string;
  value: string;
  options: string[];
  /** Shown instead of an option's value, e.g. translated words. */
  optionLabels?: Record<string, string>;
  onChange(value: string): void;
}) {
  return (
    <label className="jp-tracker-compare-control">
      {props.label}
      <select
        className="jp-tracker-select"
        value={props.value}
        onChange={e => props.onChange(e.target.value)}
      >
        {props.options.map(option => (
          <option key={option} value={option}>
            {props.optionLabels?.[option] ?? option}
          </option>
        ))}
      </select>
    </label>
  );
}

function ChartSection(props: {
  title: string;
  className: string;
  controls: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <section className={'jp-tracker-compare-chart ' + props.className}>
      <div className="jp-tracker-compare-controls">
        <h3>{props.title}</h3>
        {props.controls}
      </div>
      {props.children}
    </section>
  );
}

export function ComparePanel(props: IComparePanelProps): JSX.Element {
  const { trans, rendermime } = props;
  const [metric, setMetric] = useState('');
  const { runs, histories, pending, failed } = useCompareData(
    props.api,
    props.runIds,
    metric
  );
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  const [xAxis, setXAxis] = useState<XAxis>('step');
  const [axes, setAxes] = useState<string[] | null>(null);
  const [scatterX, setScatterX] = useState('');
  const [scatterY, setScatterY] = useState('');

  const compared: IComparedRun[] = useMemo(() => {
    const shown = props.runIds
      .filter(id => runs.has(id))
      .map(id => runs.get(id)!);
    return runLegend(shown).map((entry, i) => ({
      run: shown[i],
      color: entry.color,
      label: entry.label
    }));
  }, [props.runIds, runs]);

  const paramKeys = unique(
    compared.flatMap(r => Object.keys(r.run.data.params))
  );
  const metricKeys = unique(
    compared.flatMap(r => Object.keys(r.run.data.metrics))
  );
  const chosenMetric = metricKeys.includes(metric) ? metric : metricKeys[0];

  const paramRows = paramKeys
    .map(key => {
      const cells = compared.map(r => r.run.data.params[key] ?? '—');
      return { key, cells, differs: new Set(cells).size > 1 };
    })
    .filter(row => !onlyDifferences || row.differs);

  const metricRows = metricKeys.map(key => {
    const cells = compared.map(r => {
      const last = r.run.data.metrics[key];
      if (!last) {
        return '—';
      }
      const values = (
        histories.get(historyKey(r.run.info.run_id, key)) ?? []
      ).map(p => metricNumber(p.value));
      const finite = values.filter(Number.isFinite);
      const lastText = formatMetric(metricNumber(last.value));
      return finite.length
        ? `${lastText}  (${formatMetric(Math.min(...finite))} … ${formatMetric(Math.max(...finite))})`
        : lastText;
    });
    return { key, cells, differs: new Set(cells).size > 1 };
  });

  const points: IRunPoint[] = useMemo(
    () =>
      compared.map(r => ({
        runId: r.run.info.run_id,
        label: r.label,
        color: r.color,
        values: {
          ...Object.fromEntries(
            Object.entries(r.run.data.params).map(([k, v]) => [
              `params.${k}`,
              v
            ])
          ),
          ...Object.fromEntries(
            Object.entries(r.run.data.metrics).map(([k, m]) => [
              `metrics.${k}`,
              metricNumber(m.value)
            ])
          )
        }
      })),
    [compared]
  );
  const allAxes = [
    ...paramKeys.map(k => `params.${k}`),
    ...metricKeys.map(k => `metrics.${k}`)
  ];
  const differingParams = paramKeys
    .filter(key => new Set(compared.map(r => r.run.data.params[key])).size > 1)
    .map(k => `params.${k}`);
  const chosenAxes = (
    axes ?? [
      ...differingParams.slice(0, 5),
      ...metricKeys.slice(0, 3).map(k => `metrics.${k}`)
    ]
  ).filter(a => allAxes.includes(a));
  const metricAxes = metricKeys.map(k => `metrics.${k}`);
  const chosenScatterX = allAxes.includes(scatterX)
    ? scatterX
    : (differingParams[0] ?? allAxes[0] ?? '');
  const chosenScatterY = metricAxes.includes(scatterY)
    ? scatterY
    : (metricAxes[0] ?? '');

  const overlaySpec = useMemo(
    () =>
      chosenMetric
        ? metricChartSpec(
            chosenMetric,
            compared.map(r => ({
              name: r.label,
              color: r.color,
              points:
                histories.get(historyKey(r.run.info.run_id, chosenMetric)) ?? []
            })),
            { xAxis, logScale: false, smoothing: 0 }
          )
        : null,
    [compared, histories, chosenMetric, xAxis]
  );

  const axesKey = chosenAxes.join('\n');
  const themeIsLight = useThemeIsLight();
  const parallelSpec = useMemo(
    () =>
      parallelCoordinatesSpec(
        points,
        chosenAxes,
        getComputedStyle(document.body)
          .getPropertyValue('--jp-ui-font-color1')
          .trim() || undefined
      ),
    [points, axesKey, themeIsLight]
  );
  const scatter = useMemo(
    () => scatterSpec(points, chosenScatterX, chosenScatterY),
    [points, chosenScatterX, chosenScatterY]
  );

  if (props.runIds.length === 0) {
    return (
      <div className="jp-tracker-compare jp-tracker-empty jp-tracker-muted">
        {trans.__(
          'Select runs in the Experiment Tracker and choose Compare to see them side by side.'
        )}
      </div>
    );
  }
  return (
    <div className="jp-tracker-compare" data-pending-histories={pending}>
      <header className="jp-tracker-compare-header">
        <h2>{trans._n('%1 run', '%1 runs', props.runIds.length)}</h2>
        {(compared.length < props.runIds.length || pending > 0) && (
          <span className="jp-tracker-muted">{trans.__('Loading…')}</span>
        )}
        {failed && (
          <span className="jp-tracker-error" role="alert">
            {trans.__('Some runs could not be loaded.')}
          </span>
        )}
        <span className="jp-tracker-spacer" />
        <label className="jp-tracker-compare-control">
          <input
            type="checkbox"
            checked={onlyDifferences}
            onChange={e => setOnlyDifferences(e.target.checked)}
          />
          {trans.__('Only differences')}
        </label>
      </header>
      <CompareTable
        caption={trans.__('Parameters')}
        className="jp-tracker-compare-params"
        runs={compared}
        rows={paramRows}
        trans={trans}
        onRemove={props.onRemove}
      />
      <CompareTable
        caption={trans.__('Metrics: last (min … max)')}
        className="jp-tracker-compare-metrics"
        runs={compared}
        rows={metricRows}
        trans={trans}
        onRemove={props.onRemove}
      />
      {rendermime && metricKeys.length > 0 && (
        <>
          <ChartSection
            title={trans.__('Metric history')}
            className="jp-tracker-compare-history"
            controls={
              <>
                <Select
                  label={trans.__('Metric')}
                  value={chosenMetric}
                  options={metricKeys}
                  onChange={setMetric}
                />
                <Select
                  label={trans.__('X axis')}
                  value={xAxis}
                  options={['step', 'time']}
                  optionLabels={{
                    step: trans.__('Step'),
                    time: trans.__('Time')
                  }}
                  onChange={value => setXAxis(value as XAxis)}
                />
              </>
            }
          >
            {overlaySpec && (
              <VegaView
                renderer="svg"
                rendermime={rendermime}
                spec={overlaySpec}
              />
            )}
          </ChartSection>
          <ChartSection
            title={trans.__('Parallel coordinates')}
            className="jp-tracker-compare-parallel"
            controls={
              <div
                className="jp-tracker-compare-axes"
                role="group"
                aria-label={trans.__('Axes')}
              >
                {allAxes.map(axis => (
                  <button
                    key={axis}
                    className="jp-tracker-chip"
                    aria-pressed={chosenAxes.includes(axis)}
                    onClick={() =>
                      setAxes(
                        chosenAxes.includes(axis)
                          ? chosenAxes.filter(a => a !== axis)
                          : [...chosenAxes, axis]
                      )
                    }
                  >
                    {axis}
                  </button>
                ))}
              </div>
            }
          >
            {chosenAxes.length >= 2 ? (
              <VegaView
                renderer="svg"
                rendermime={rendermime}
                spec={parallelSpec}
              />
            ) : (
              <p className="jp-tracker-muted">
                {trans.__('Choose two or more axes.')}
              </p>
            )}
          </ChartSection>
          <ChartSection
            title={trans.__('Scatter')}
            className="jp-tracker-compare-scatter"
            controls={
              <>
                <Select
                  label={trans.__('X')}
                  value={chosenScatterX}
                  options={allAxes}
                  onChange={setScatterX}
                />
                <Select
                  label={trans.__('Y')}
                  value={chosenScatterY}
                  options={metricAxes}
                  onChange={setScatterY}
                />
              </>
            }
          >
            <VegaView renderer="svg" rendermime={rendermime} spec={scatter} />
          </ChartSection>
        </>
      )}
    </div>
  );
}
