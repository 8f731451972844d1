/**
 * The run page's System Metrics tab: the `system/...` metrics a run logged (CPU, memory,
 * disk, network, process RSS, per-GPU readings), one small chart per quantity and unit,
 * their latest values, or how to turn them on.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useMemo, useState } from 'react';

import { IRun } from '../../api';
import { IChartOptions } from '../../charts';
import { formatMetric } from '../../format';
import { RunModel } from '../../model/RunModel';
import { SYSTEM_METRICS_SNIPPETS } from '../../snippets';
import {
  groupSystemMetrics,
  ISystemGroup,
  isSystemMetric,
  systemMetricUnit
} from '../../systemMetrics';
import { SnippetCell } from '../Snippet';
import { ChartControls, HistoryError, RunMetricChart } from './MetricCharts';
import { KeyValueTable } from './Overview';

function groupTitle(group: ISystemGroup, trans: TranslationBundle): string {
  switch (group.kind) {
    case 'cpu':
      return trans.__('CPU utilization');
    case 'process':
      return trans.__('Process memory (RSS)');
    case 'memory-percent':
    case 'memory-mb':
      return trans.__('System memory');
    case 'disk-percent':
    case 'disk-mb':
      return trans.__('Disk');
    case 'network':
      return trans.__('Network since the run started');
    case 'gpu-utilization':
      return trans.__('GPU utilization');
    case 'gpu-memory-percent':
    case 'gpu-memory-mb':
      return trans.__('GPU memory');
    case 'gpu-power-watts':
      return trans.__('GPU power');
    case 'gpu-power-percent':
      return trans.__('GPU power (of its limit)');
    case 'gpu-temperature':
      return trans.__('GPU temperature');
    default:
      return group.series[0].label;
  }
}

function seriesName(label: string, trans: TranslationBundle): string {
  switch (label) {
    case 'used':
      return trans.__('used');
    case 'available':
      return trans.__('available');
    case 'received':
      return trans.__('received');
    case 'sent':
      return trans.__('sent');
    default:
      return label;
  }
}

export function SystemMetrics(props: {
  model: RunModel;
  run: IRun;
  rendermime: IRenderMimeRegistry | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, run, trans } = props;
  const keys = useMemo(
    () => Object.keys(run.data.metrics).filter(isSystemMetric).sort(),
    [run]
  );
  const keysText = keys.join('\n');
  const groups = useMemo(() => groupSystemMetrics(keys), [keysText]);
  // Sampled every 10 s at steps 0, 1, ...: the wall clock reads better than the step.
  const [options, setOptions] = useState<IChartOptions>({
    xAxis: 'time',
    logScale: false,
    smoothing: 0
  });
  useEffect(() => model.showHistories(keys), [model, keysText]);

  if (keys.length === 0) {
    return (
      <div className="jp-tracker-system-empty">
        <p>{trans.__('This run logged no system metrics.')}</p>
        <p className="jp-tracker-muted">
          {trans.__(
            'Runs can sample CPU, memory, disk and network use (and GPUs through NVML) every 10 seconds as system/… metrics. Turn it on when starting a run; %%track does it by default.'
          )}
        </p>
        {SYSTEM_METRICS_SNIPPETS.map(snippet => (
          <SnippetCell
            key={snippet.label}
            code={snippet.code}
            label={snippet.label}
            trans={trans}
          />
        ))}
      </div>
    );
  }
  return (
    <div className="jp-tracker-metrics jp-tracker-system">
      <ChartControls options={options} trans={trans} onChange={setOptions} />
      <HistoryError error={model.historyError} trans={trans} />
      <div className="jp-tracker-chart-grid jp-mod-small">
        {groups.map(group => {
          const title = groupTitle(group, trans);
          return (
            <SystemChart
              key={group.id}
              group={group}
              title={group.unit ? `${title} (${group.unit})` : title}
              options={options}
              {...props}
            />
          );
        })}
      </div>
      <KeyValueTable
        title={trans.__('Latest values')}
        rows={keys.map(key => {
          const unit = systemMetricUnit(key);
          const value = formatMetric(run.data.metrics[key].value);
          return [key, unit ? `${value} ${unit}` : value];
        })}
        trans={trans}
      />
    </div>
  );
}

function SystemChart(props: {
  model: RunModel;
  group: ISystemGroup;
  title: string;
  options: IChartOptions;
  rendermime: IRenderMimeRegistry | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { group, trans } = props;
  const lines = useMemo(
    () =>
      group.series.map(s => ({ key: s.key, name: seriesName(s.label, trans) })),
    [group, trans]
  );
  const options = useMemo(
    () => ({
      ...props.options,
      yTitle: group.unit || undefined,
      seriesTitle: 'line',
      height: 160
    }),
    [props.options, group.unit]
  );
  return (
    <RunMetricChart
      title={props.title}
      lines={lines}
      histories={props.model.histories}
      options={options}
      rendermime={props.rendermime}
      trans={trans}
      data={{ 'system-group': group.id }}
    />
  );
}
