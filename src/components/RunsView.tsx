/**
 * The runs of the selected experiments: filter, columns, the virtualised table. The runs,
 * their loading, errors and refresh are the RunsModel's (src/model/RunsModel.ts).
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useMemo, useState } from 'react';

import { IExperiment, IRun, IRunKeys, TrackerAPI, ViewType } from '../api';
import {
  ColumnChoices,
  defaultColumns,
  IColumn,
  shownColumns,
  withModelVersions
} from '../columns';
import { ITrackerPlace } from '../links';
import { RunVersionsModel } from '../model/RunVersionsModel';
import { RunsModel } from '../model/RunsModel';
import { useModel } from '../model/useModel';
import { ColumnPicker } from './ColumnPicker';
import { EmptyExperiment } from './EmptyExperiment';
import { ErrorBanner } from './ErrorBanner';
import { ExperimentName } from './ExperimentList';
import { FilterBox } from './FilterBox';
import { GroupByControl, useStoredGroupBy } from './GroupByControl';
import { groupRuns } from '../grouping';
import { RunActions, StorageFigure } from './RunActions';
import { RunsCharts } from './RunsCharts';
import { RunsTable } from './RunsTable';

const NO_KEYS: IRunKeys = { metrics: [], params: [], tags: [] };
const NO_RUNS: IRun[] = [];

export interface IRunsViewProps {
  api: TrackerAPI;
  experiments: IExperiment[];
  /** The columns from the settings, first in the default columns. */
  fixedColumns: IColumn[];
  columnChoices: ColumnChoices;
  refreshSeconds: number;
  isVisible(): boolean;
  trans: TranslationBundle;
  /** The user chose columns for these experiments; null goes back to the defaults. */
  onColumnsChoice(experimentsKey: string, columnIds: string[] | null): void;
  onOpenRun(run: IRun): void;
  selected: Set<string>;
  onSelectionChange(selected: Set<string>): void;
  /** Opens the selected runs in the compare widget. */
  onCompare(): void;
  /** The server failed loading runs (its message), or works again (null). */
  onServerProblem?(message: string | null): void;
  /** Draws the chart view; without it the view offers the table only. */
  rendermime?: IRenderMimeRegistry | null;
  /** Opens a place a cell links to (a version in the Models column). */
  onOpenPlace?(place: ITrackerPlace): void;
}

export function RunsView(props: IRunsViewProps): JSX.Element {
  const { api, experiments, trans } = props;
  const experimentIds = experiments.map(e => e.experiment_id);
  const idsKey = experimentIds.join(',');
  const { isVisible, refreshSeconds, onServerProblem } = props;
  const [model] = useState(
    () => new RunsModel({ api, isVisible, refreshSeconds })
  );
  useEffect(() => () => model.dispose(), [model]);
  useModel(model);
  useEffect(() => model.setExperiments(idsKey), [model, idsKey]);
  useEffect(() => {
    model.refreshSeconds = refreshSeconds;
  }, [model, refreshSeconds]);

  // Until the model has the new experiments, nothing of the previous ones shows.
  const current = model.experimentsKey === idsKey;
  const runs = current ? model.runs : NO_RUNS;
  const loading = !current || model.loading;
  const complete = current && model.complete;
  const { filter, sort, viewType, widths } = model.view;
  const error = current ? model.error : null;
  const filterError = error?.kind === 'filter' ? error.message : null;
  const serverError = error?.kind === 'server' ? error.message : null;
  const now = model.now;
  const [keys, setKeys] = useState<IRunKeys>(NO_KEYS);

  useEffect(() => {
    onServerProblem?.(serverError);
  }, [serverError]);
  useEffect(() => () => onServerProblem?.(null), []);

  useEffect(() => {
    api
      .runKeys(idsKey ? idsKey.split(',') : [])
      .then(setKeys, () => setKeys(NO_KEYS));
  }, [api, idsKey, runs.length]);

  // ---- registry pages: the Models column's versions, one request per page of runs ----
  const [runVersions] = useState(() => new RunVersionsModel(api));
  useEffect(() => () => runVersions.dispose(), [runVersions]);
  useModel(runVersions);
  useEffect(() => {
    void runVersions.setRuns(runs.map(r => r.info.run_id));
  }, [runVersions, runs]);
  const hasVersions = runVersions.hasVersions;
  // ---- end registry pages ----

  const defaults = useMemo(
    () => defaultColumns(runs, props.fixedColumns, hasVersions),
    [runs, props.fixedColumns, hasVersions]
  );
  const chosen = props.columnChoices[idsKey];
  const columns = useMemo(
    () =>
      withModelVersions(shownColumns(chosen, defaults), id =>
        runVersions.versionsOf(id)
      ),
    [chosen, defaults, runVersions.generation]
  );

  // ---- runs-tree: grouping (the groups are also what a chart view aggregates) ----
  const [groupBy, setGroupBy] = useStoredGroupBy(idsKey);
  const groups = useMemo(
    () => (groupBy ? groupRuns(runs, groupBy) : null),
    [runs, groupBy]
  );
  // ---- end runs-tree ----
  // ---- runs charts: the Table | Charts toggle and the runs hidden from the charts ----
  const [display, setDisplay] = useState<'table' | 'charts'>('table');
  const [hiddenRuns, setHiddenRuns] = useState<Set<string>>(new Set());
  const displayToggle = props.rendermime ? (
    <span
      className="jp-tracker-runs-display"
      role="group"
      aria-label={trans.__('Display')}
    >
      <button
        className="jp-tracker-button"
        aria-pressed={display === 'table'}
        onClick={() => setDisplay('table')}
      >
        {trans.__('Table')}
      </button>
      <button
        className="jp-tracker-button"
        aria-pressed={display === 'charts'}
        onClick={() => setDisplay('charts')}
      >
        {trans.__('Charts')}
      </button>
    </span>
  ) : null;
  // ---- end runs charts ----

  const title =
    experiments.length === 1 ? (
      <ExperimentName name={experiments[0].name} />
    ) : (
      trans.__('%1 experiments', experiments.length)
    );

  return (
    <section className="jp-tracker-runs" aria-label={trans.__('Runs')}>
      <header className="jp-tracker-runs-header">
        <h2 className="jp-tracker-runs-title">{title}</h2>
        <span className="jp-tracker-muted jp-tracker-run-count">
          {serverError
            ? ''
            : complete
              ? trans._n('%1 run', '%1 runs', runs.length)
              : trans.__('%1 runs loaded…', runs.length)}
        </span>
        <StorageFigure model={model} trans={trans} />
        <span className="jp-tracker-spacer" />
        <span className="jp-tracker-runs-actions">
          {displayToggle}
          <button
            className="jp-tracker-button jp-tracker-compare-button"
            disabled={props.selected.size < 2}
            title={trans.__('Select two or more runs to compare them')}
            onClick={props.onCompare}
          >
            {trans.__('Compare (%1)', props.selected.size)}
          </button>
          <select
            className="jp-tracker-select"
            aria-label={trans.__('Lifecycle')}
            value={viewType}
            onChange={e => model.setViewType(e.target.value as ViewType)}
          >
            <option value="ACTIVE_ONLY">{trans.__('Active')}</option>
            <option value="DELETED_ONLY">{trans.__('Deleted')}</option>
            <option value="ALL">{trans.__('All')}</option>
          </select>
          <GroupByControl
            keys={keys}
            groupBy={groupBy}
            trans={trans}
            onChange={setGroupBy}
          />
          <ColumnPicker
            keys={keys}
            columns={columns}
            trans={trans}
            onChange={next =>
              props.onColumnsChoice(
                idsKey,
                next.map(c => c.id)
              )
            }
            onReset={chosen ? () => props.onColumnsChoice(idsKey, null) : null}
          />
          <button
            className="jp-tracker-icon-button"
            title={trans.__('Refresh')}
            aria-label={trans.__('Refresh runs')}
            onClick={() => {
              void model.reload();
              void runVersions.reload();
            }}
          >
            <refreshIcon.react tag="span" />
          </button>
        </span>
      </header>
      <FilterBox
        key={model.experimentsKey}
        value={filter}
        keys={keys}
        error={filterError}
        trans={trans}
        onApply={filter => model.setFilter(filter)}
      />
      <RunActions
        model={model}
        selected={runs.filter(r => props.selected.has(r.info.run_id))}
        selectedIds={props.selected}
        viewType={viewType}
        trans={trans}
        onSelectionChange={props.onSelectionChange}
      />
      {serverError && (
        <ErrorBanner
          message={serverError}
          trans={trans}
          onRetry={() => void model.reload()}
        />
      )}
      {loading && runs.length === 0 ? (
        <p
          className="jp-tracker-muted jp-tracker-empty jp-tracker-loading"
          aria-busy="true"
        >
          {trans.__('Loading runs…')}
        </p>
      ) : serverError && runs.length === 0 ? null : runs.length === 0 &&
        complete &&
        !filter &&
        viewType === 'ACTIVE_ONLY' &&
        experiments.length === 1 ? (
        <EmptyExperiment experimentName={experiments[0].name} trans={trans} />
      ) : props.rendermime && display === 'charts' ? (
        <RunsCharts
          api={api}
          rendermime={props.rendermime}
          runs={runs}
          hidden={hiddenRuns}
          onHiddenChange={setHiddenRuns}
          refreshSeconds={props.refreshSeconds}
          isVisible={props.isVisible}
          trans={trans}
        />
      ) : (
        <RunsTable
          runs={runs}
          groups={groups}
          columns={columns}
          selected={props.selected}
          widths={widths}
          sort={sort}
          trans={trans}
          now={now}
          onSort={next => model.setSort(next)}
          onWidthsChange={next => model.setColumnWidths(next)}
          onSelectionChange={props.onSelectionChange}
          onOpen={props.onOpenRun}
          onOpenPlace={props.onOpenPlace}
        />
      )}
    </section>
  );
}
