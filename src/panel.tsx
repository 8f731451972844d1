/**
 * The tracker's main-area panel: experiments on the left, their runs (or one run) on the
 * right, and a status line with what the server reports.
 */
import {
  Dialog,
  InputDialog,
  ReactWidget,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import React, { useEffect, useMemo, useRef, useState } from 'react';

import { IExperiment, IServerInfo, TrackerAPI } from './api';
import { CompareModel } from './compare';
import {
  ColumnChoices,
  columnFromId,
  IColumn,
  parseColumnChoices
} from './columns';
import { ExperimentList } from './components/ExperimentList';
import { RunPage } from './components/RunPage';
import { ModelsView } from './components/ModelsView';
import { RunsView } from './components/RunsView';
import { TabBar } from './components/TabBar';
import { trackerIcon } from './icons';
import { ITrackerPlace } from './links';
import { ExperimentsModel } from './model/ExperimentsModel';
import { ModelsModel } from './model/ModelsModel';
import { readStored, writeStored } from './model/storage';
import { useModel } from './model/useModel';

/** Where the columns chosen per experiment are kept in the browser, across reloads. */
const COLUMN_CHOICES_KEY = 'jupyterlab-tracker:run-columns';

function storedColumnChoices(): ColumnChoices {
  return parseColumnChoices(readStored(COLUMN_CHOICES_KEY));
}

function storeColumnChoices(choices: ColumnChoices): void {
  writeStored(COLUMN_CHOICES_KEY, choices);
}

type PanelTab = 'experiments' | 'models';

export interface IPanelSettings {
  refreshInterval: number;
  defaultColumns: string[];
}

export const DEFAULT_SETTINGS: IPanelSettings = {
  refreshInterval: 2,
  defaultColumns: [
    'attributes.start_time',
    'duration',
    'attributes.user_id',
    'source'
  ]
};

export interface ITrackerPanelOptions {
  api: TrackerAPI;
  rendermime: IRenderMimeRegistry | null;
  translator?: ITranslator;
  /** Opens a file of the Jupyter server (a run's source notebook) in JupyterLab. */
  openFile(path: string): void;
  /** The runs of the compare widget, shared with the panel's selection while it is open. */
  compareModel: CompareModel;
  isCompareOpen(): boolean;
  openCompare(runIds: string[]): void;
  /** Goes to a place with the panel brought to front (the open command). */
  openPlace?(place: ITrackerPlace): void;
}

/** A place to show, numbered so that showing the same place again is a change. */
export interface IShownPlace extends ITrackerPlace {
  seq: number;
}

interface IAppProps extends ITrackerPanelOptions {
  trans: TranslationBundle;
  settings: IPanelSettings;
  place: IShownPlace | null;
  /** Goes to a place, as a link does (e.g. a model version from a notification). */
  showPlace(place: ITrackerPlace): void;
  isVisible(): boolean;
}

function ServerStatus({
  api,
  trans,
  problem
}: {
  api: TrackerAPI;
  trans: TranslationBundle;
  /** A failure the panel met since (loading runs or experiments): the status is not OK then. */
  problem: string | null;
}) {
  const [info, setInfo] = useState<IServerInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.version().then(setInfo, e => setError(String(e.message ?? e)));
  }, [api]);
  if (error || problem) {
    return (
      <footer className="jp-tracker-server-line jp-tracker-error" role="alert">
        {error
          ? trans.__('The tracker server did not answer: %1', error)
          : trans.__('The tracker server failed: %1', problem)}
      </footer>
    );
  }
  return (
    <footer className="jp-tracker-server-line" data-status={info?.status}>
      {info ? (
        <>
          <span className="jp-tracker-server-status">{info.status}</span>
          <span>
            jupyterlab_tracker{' '}
            <span className="jp-tracker-server-version">{info.version}</span>
          </span>
          <span className="jp-tracker-server-store" title={info.artifact_root}>
            {info.store.type} · {info.store.uri}
          </span>
        </>
      ) : (
        trans.__('Connecting…')
      )}
    </footer>
  );
}

function TrackerApp(props: IAppProps): JSX.Element {
  const { api, trans, settings } = props;
  const { isVisible } = props;
  const [model] = useState(() => new ExperimentsModel({ api, isVisible }));
  useEffect(() => () => model.dispose(), [model]);
  useModel(model);
  const { experiments, selected, showDeleted, openRun } = model;
  const setShowDeleted = (value: boolean) => (model.showDeleted = value);
  const setOpenRun = (runId: string | null) => model.setOpenRun(runId);
  const loadExperiments = () => model.load();
  const [runsProblem, setRunsProblem] = useState<string | null>(null);
  const [selectedRuns, setSelectedRuns] = useState<Set<string>>(new Set());
  const [tab, setTab] = useState<PanelTab>('experiments');
  // ---- registry pages: the Models tab's model outlives a switch of tabs ----
  const tabRef = useRef(tab);
  tabRef.current = tab;
  const [modelsModel] = useState(
    () =>
      new ModelsModel({
        api,
        refreshSeconds: settings.refreshInterval,
        isVisible: () => isVisible() && tabRef.current === 'models'
      })
  );
  useEffect(() => () => modelsModel.dispose(), [modelsModel]);
  useEffect(() => {
    modelsModel.refreshSeconds = settings.refreshInterval;
  }, [modelsModel, settings.refreshInterval]);
  // ---- end registry pages ----
  const { compareModel, isCompareOpen } = props;

  // While the compare widget is open, selecting or deselecting runs here adds them to
  // or removes them from it; runs removed over there are deselected here.
  const changeRunSelection = (next: Set<string>) => {
    if (isCompareOpen()) {
      compareModel.remove([...selectedRuns].filter(id => !next.has(id)));
      compareModel.add([...next].filter(id => !selectedRuns.has(id)));
    }
    setSelectedRuns(next);
  };
  useEffect(() => {
    let previous = compareModel.runIds;
    const onChanged = (_: CompareModel, ids: string[]) => {
      const removed = previous.filter(id => !ids.includes(id));
      previous = ids;
      if (removed.length) {
        setSelectedRuns(current => {
          const next = new Set(current);
          removed.forEach(id => next.delete(id));
          return next;
        });
      }
    };
    compareModel.changed.connect(onChanged);
    return () => {
      compareModel.changed.disconnect(onChanged);
    };
  }, [compareModel]);
  // The settings' columns come first by default; the user's own choice of columns is
  // kept per experiment (or set of experiments) and wins over the default.
  const fixedColumns = useMemo(
    () =>
      settings.defaultColumns
        .map(columnFromId)
        .filter((c): c is IColumn => !!c),
    [settings.defaultColumns]
  );
  const [columnChoices, setColumnChoices] =
    useState<ColumnChoices>(storedColumnChoices);
  const chooseColumns = (key: string, ids: string[] | null) =>
    setColumnChoices(current => {
      const next = { ...current };
      if (ids) {
        next[key] = ids;
      } else {
        delete next[key];
      }
      storeColumnChoices(next);
      return next;
    });

  // The first load; the model's poll looks for new experiments after it.
  useEffect(() => {
    loadExperiments().catch(() => undefined);
  }, [model]);

  // A link (or the open command) names a place: go there.
  const { place } = props;
  useEffect(() => {
    if (place?.modelName) {
      setTab('models');
    } else if (place?.experimentId) {
      const { experimentId, runId } = place;
      setTab('experiments');
      model.select([experimentId], runId ?? null);
      setSelectedRuns(new Set());
      api.experiment(experimentId).then(
        experiment => {
          if (experiment.lifecycle_stage !== 'active') {
            setShowDeleted(true);
          }
        },
        error =>
          void showErrorMessage(
            trans.__('Experiment %1', experimentId),
            error as Error
          )
      );
    }
  }, [place]);

  const act = async (title: string, action: () => Promise<unknown>) => {
    try {
      await action();
      await loadExperiments();
    } catch (error) {
      await showErrorMessage(title, error as Error);
    }
  };

  const createExperiment = async () => {
    const result = await InputDialog.getText({
      title: trans.__('Create experiment'),
      label: trans.__(
        'Name (slashes group experiments, e.g. mnist/cnn/baseline)'
      ),
      okLabel: trans.__('Create')
    });
    if (result.button.accept && result.value?.trim()) {
      await act(trans.__('Create experiment'), async () => {
        const created = await api.createExperiment(result.value!.trim());
        model.select([created.experiment_id]);
      });
    }
  };

  const renameExperiment = async (experiment: IExperiment) => {
    const result = await InputDialog.getText({
      title: trans.__('Rename experiment'),
      text: experiment.name,
      okLabel: trans.__('Rename')
    });
    if (
      result.button.accept &&
      result.value?.trim() &&
      result.value !== experiment.name
    ) {
      await act(trans.__('Rename experiment'), () =>
        api.renameExperiment(experiment.experiment_id, result.value!.trim())
      );
    }
  };

  const deleteExperiment = async (experiment: IExperiment) => {
    const answer = await showDialog({
      title: trans.__('Delete experiment'),
      body: trans.__(
        'Delete "%1" and its runs? You can restore it from "Show deleted".',
        experiment.name
      ),
      buttons: [
        Dialog.cancelButton(),
        Dialog.warnButton({ label: trans.__('Delete') })
      ]
    });
    if (answer.button.accept) {
      await act(trans.__('Delete experiment'), () =>
        api.deleteExperiment(experiment.experiment_id)
      );
    }
  };

  const shownExperiments = experiments.filter(e =>
    selected.includes(e.experiment_id)
  );
  const openRunPage = (runId: string) => {
    setTab('experiments');
    setOpenRun(runId);
  };
  return (
    <div className="jp-tracker-app">
      <TabBar<PanelTab>
        tabs={[
          ['experiments', trans.__('Experiments')],
          ['models', trans.__('Models')]
        ]}
        current={tab}
        label={trans.__('Experiment Tracker')}
        className="jp-tracker-panel-tabs"
        onChange={setTab}
      />
      {tab === 'models' ? (
        <div className="jp-tracker-main jp-tracker-models-main">
          <ModelsView
            model={modelsModel}
            trans={trans}
            onOpenRun={openRunPage}
            focus={place?.modelName ? place : null}
          />
        </div>
      ) : (
        <div className="jp-tracker-main">
          <ExperimentList
            experiments={experiments}
            loaded={model.loaded}
            error={model.error}
            selected={selected}
            showDeleted={showDeleted}
            trans={trans}
            onSelect={ids => {
              model.select(ids, null);
              setSelectedRuns(new Set());
            }}
            onShowDeleted={setShowDeleted}
            onCreate={createExperiment}
            onRename={renameExperiment}
            onDelete={deleteExperiment}
            onRestore={e =>
              act(trans.__('Restore experiment'), () =>
                api.restoreExperiment(e.experiment_id)
              )
            }
          />
          <div className="jp-tracker-content">
            {openRun ? (
              <RunPage
                api={api}
                runId={openRun}
                rendermime={props.rendermime}
                refreshSeconds={settings.refreshInterval}
                trans={trans}
                isVisible={props.isVisible}
                onBack={() => setOpenRun(null)}
                onOpenRun={setOpenRun}
                onOpenFile={props.openFile}
                onOpenModelVersion={(modelName, version) =>
                  props.showPlace({ modelName, version })
                }
              />
            ) : shownExperiments.length ? (
              <RunsView
                api={api}
                experiments={shownExperiments}
                fixedColumns={fixedColumns}
                columnChoices={columnChoices}
                refreshSeconds={settings.refreshInterval}
                isVisible={props.isVisible}
                trans={trans}
                onColumnsChoice={chooseColumns}
                onOpenRun={run => setOpenRun(run.info.run_id)}
                selected={selectedRuns}
                onSelectionChange={changeRunSelection}
                onCompare={() => props.openCompare([...selectedRuns])}
                onServerProblem={setRunsProblem}
                rendermime={props.rendermime}
                onOpenPlace={props.showPlace}
              />
            ) : (
              <p className="jp-tracker-muted jp-tracker-empty">
                {trans.__('Select an experiment on the left.')}
              </p>
            )}
          </div>
        </div>
      )}
      <ServerStatus
        api={api}
        trans={trans}
        problem={openRun ? null : runsProblem}
      />
    </div>
  );
}

export class TrackerPanel extends ReactWidget {
  constructor(options: ITrackerPanelOptions) {
    super();
    this.options = options;
    this.trans = (options.translator ?? nullTranslator).load(
      'jupyterlab_tracker'
    );
    this.id = 'jupyterlab-tracker-panel';
    this.title.label = this.trans.__('Experiment Tracker');
    this.title.icon = trackerIcon;
    this.title.closable = true;
    this.addClass('jp-tracker-panel');
  }

  /** Settings changes re-render the panel with the new values. */
  set settings(value: IPanelSettings) {
    this._settings = value;
    this.update();
  }

  /** Show an experiment, a run, a registered model or a model version (from a link). */
  showPlace(place: ITrackerPlace): void {
    if (place.experimentId || place.modelName) {
      this._place = { ...place, seq: (this._place?.seq ?? 0) + 1 };
      this.update();
    }
  }

  protected render(): JSX.Element {
    return (
      <TrackerApp
        {...this.options}
        trans={this.trans}
        settings={this._settings}
        place={this._place}
        showPlace={place =>
          this.options.openPlace
            ? this.options.openPlace(place)
            : this.showPlace(place)
        }
        isVisible={() => this.isVisible && !document.hidden}
      />
    );
  }

  private readonly options: ITrackerPanelOptions;
  private readonly trans: TranslationBundle;
  private _settings: IPanelSettings = DEFAULT_SETTINGS;
  private _place: IShownPlace | null = null;
}
