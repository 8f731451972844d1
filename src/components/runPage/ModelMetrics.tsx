/** The run page's Model Metrics tab: one chart per metric (system metrics have their own tab). */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useMemo, useState } from 'react';

import { IRun } from '../../api';
import { IChartOptions } from '../../charts';
import { RunModel } from '../../model/RunModel';
import { isSystemMetric } from '../../systemMetrics';
import { ChartControls, HistoryError, RunMetricChart } from './MetricCharts';

export function ModelMetrics(props: {
  model: RunModel;
  run: IRun;
  rendermime: IRenderMimeRegistry | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, run, trans } = props;
  const keys = useMemo(
    () =>
      Object.keys(run.data.metrics)
        .filter(k => !isSystemMetric(k))
        .sort(),
    [run]
  );
  const [options, setOptions] = useState<IChartOptions>({
    xAxis: 'step',
    logScale: false,
    smoothing: 0
  });
  const keysText = keys.join('\n');
  useEffect(() => model.showHistories(keys), [model, keysText]);

  if (keys.length === 0) {
    return (
      <p className="jp-tracker-muted">
        {trans.__('This run has no metrics yet.')}
      </p>
    );
  }
  return (
    <div className="jp-tracker-metrics">
      <ChartControls options={options} trans={trans} onChange={setOptions} />
      <HistoryError error={model.historyError} trans={trans} />
      <div className="jp-tracker-chart-grid">
        {keys.map(key => (
          <RunMetricChart
            key={key}
            title={key}
            lines={[{ key, name: run.info.run_name }]}
            histories={model.histories}
            options={options}
            rendermime={props.rendermime}
            trans={trans}
            data={{ metric: key }}
          />
        ))}
      </div>
    </div>
  );
}
