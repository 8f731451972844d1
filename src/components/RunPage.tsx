/**
 * One run, with MLflow's tab names: Overview, Model Metrics, System Metrics, Artifacts.
 * The run's data comes from a `RunModel` (src/model/RunModel.ts), which re-reads it while
 * the run is RUNNING; each tab is a component of its own in ./runPage/.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useId, useMemo, useState } from 'react';

import { TrackerAPI } from '../api';
import { RunModel } from '../model/RunModel';
import { useModel } from '../model/useModel';
import { ArtifactsTab } from './ArtifactsTab';
import { ModelMetrics } from './runPage/ModelMetrics';
import { Overview } from './runPage/Overview';
import { SystemMetrics } from './runPage/SystemMetrics';
import { StatusIcon } from './StatusIcon';
import { TabBar, tabPanelProps } from './TabBar';

export interface IRunPageProps {
  api: TrackerAPI;
  runId: string;
  rendermime: IRenderMimeRegistry | null;
  refreshSeconds: number;
  trans: TranslationBundle;
  isVisible(): boolean;
  onBack(): void;
  onOpenRun(runId: string): void;
  onOpenFile(path: string): void;
  /** Opens a registered model's version in the Models view (after "Register model"). */
  onOpenModelVersion(modelName: string, version: string): void;
}

type Tab = 'overview' | 'metrics' | 'system' | 'artifacts';

/** The run page's model for this run, made and disposed with it. */
function useRunModel(props: IRunPageProps): RunModel {
  const { api, runId } = props;
  const model = useMemo(
    () =>
      new RunModel({
        api,
        runId,
        refreshSeconds: props.refreshSeconds,
        isVisible: props.isVisible
      }),
    [api, runId]
  );
  useEffect(() => {
    void model.load();
    return () => model.dispose();
  }, [model]);
  useEffect(() => {
    model.refreshSeconds = props.refreshSeconds;
  }, [model, props.refreshSeconds]);
  return useModel(model);
}

export function RunPage(props: IRunPageProps): JSX.Element {
  const { api, trans } = props;
  const model = useRunModel(props);
  const [tab, setTab] = useState<Tab>('overview');
  const idPrefix = useId();
  const run = model.run;
  const back = (
    <button className="jp-tracker-button" onClick={props.onBack}>
      ← {trans.__('Runs')}
    </button>
  );

  if (!run) {
    return model.error ? (
      <div className="jp-tracker-run-page">
        {back}
        <p className="jp-tracker-error" role="alert">
          {model.error}
        </p>
      </div>
    ) : (
      <p className="jp-tracker-muted">{trans.__('Loading run…')}</p>
    );
  }

  const tabProps = { model, run, rendermime: props.rendermime, trans };
  return (
    <div className="jp-tracker-run-page" data-run-id={run.info.run_id}>
      <header className="jp-tracker-run-header">
        {back}
        <StatusIcon status={run.info.status} />
        <h2 className="jp-tracker-run-title">{run.info.run_name}</h2>
        <span className="jp-tracker-spacer" />
        <button
          className="jp-tracker-icon-button"
          title={trans.__('Refresh')}
          aria-label={trans.__('Refresh run')}
          onClick={() => void model.load()}
        >
          <refreshIcon.react tag="span" />
        </button>
      </header>
      {model.error && (
        <p className="jp-tracker-error" role="alert">
          {trans.__('Could not refresh the run: %1', model.error)}
        </p>
      )}
      <TabBar<Tab>
        tabs={[
          ['overview', trans.__('Overview')],
          ['metrics', trans.__('Model Metrics')],
          ['system', trans.__('System Metrics')],
          ['artifacts', trans.__('Artifacts')]
        ]}
        current={tab}
        label={trans.__('Run')}
        id={idPrefix}
        onChange={setTab}
      />
      <div
        className="jp-tracker-run-tab"
        tabIndex={0}
        {...tabPanelProps(idPrefix, tab)}
      >
        {tab === 'overview' && (
          <Overview
            {...tabProps}
            onOpenRun={props.onOpenRun}
            onOpenFile={props.onOpenFile}
            onShowSystem={() => setTab('system')}
          />
        )}
        {tab === 'metrics' && <ModelMetrics {...tabProps} />}
        {tab === 'system' && <SystemMetrics {...tabProps} />}
        {tab === 'artifacts' && (
          <ArtifactsTab
            api={api}
            run={run}
            rendermime={props.rendermime}
            trans={trans}
            onOpenModelVersion={props.onOpenModelVersion}
          />
        )}
      </div>
    </div>
  );
}
