/**
 * The runs of the selected experiments: filter, columns, the virtualised table, and a
 * refresh loop that picks up new runs and updates RUNNING ones while the panel is shown.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import React, {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState
} from 'react';

import {
  IExperiment,
  IRun,
  IRunKeys,
  TrackerAPI,
  TrackerAPIError,
  ViewType
} from '../api';
import {
  ColumnChoices,
  defaultColumns,
  IColumn,
  shownColumns
} from '../columns';
import { ColumnPicker } from './ColumnPicker';
import { ExperimentName } from './ExperimentList';
import { FilterBox } from './FilterBox';
import { RunsCharts } from './RunsCharts';
import { ISortState, RunsTable } from './RunsTable';

const FIRST_PAGE = 200;
const NEXT_PAGES = 2000;
const MAX_RUNS = 50000;
const NO_KEYS: IRunKeys = { metrics: [], params: [], tags: [] };

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
  /** Draws the chart view; without it the view offers the table only. */
  rendermime?: IRenderMimeRegistry | null;
}

export function RunsView(props: IRunsViewProps): JSX.Element {
  const { api, experiments, trans } = props;
  const experimentIds = experiments.map(e => e.experiment_id);
  const idsKey = experimentIds.join(',');
  const [filter, setFilter] = useState('');
  const [filterError, setFilterError] = useState<string | null>(null);
  const [sort, setSort] = useState<ISortState>({
    orderBy: 'attributes.start_time',
    ascending: false
  });
  const [viewType, setViewType] = useState<ViewType>('ACTIVE_ONLY');
  const [runs, setRuns] = useState<IRun[]>([]);
  const [loading, setLoading] = useState(false);
  const [complete, setComplete] = useState(true);
  const [keys, setKeys] = useState<IRunKeys>(NO_KEYS);
  const [now, setNow] = useState(Date.now());
  const generation = useRef(0);

  const request = useCallback(
    (
      extraFilter = '',
      maxResults = FIRST_PAGE,
      pageToken: string | null = null
    ) => ({
      experiment_ids: idsKey ? idsKey.split(',') : [],
      filter: [filter, extraFilter].filter(Boolean).join(' and '),
      run_view_type: viewType,
      max_results: maxResults,
      order_by: [`${sort.orderBy} ${sort.ascending ? 'ASC' : 'DESC'}`],
      page_token: pageToken
    }),
    [idsKey, filter, sort, viewType]
  );

  // Load: a small first page paints fast, the rest streams in behind it.
  const load = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      let page = await api.searchRuns(request());
      if (mine !== generation.current) {
        return;
      }
      setFilterError(null);
      let loaded = page.items;
      setRuns(loaded);
      setComplete(!page.nextPageToken);
      while (page.nextPageToken && loaded.length < MAX_RUNS) {
        page = await api.searchRuns(
          request('', NEXT_PAGES, page.nextPageToken)
        );
        if (mine !== generation.current) {
          return;
        }
        loaded = loaded.concat(page.items);
        setRuns(loaded);
      }
      setComplete(!page.nextPageToken);
    } catch (error) {
      if (mine === generation.current) {
        setRuns([]);
        setFilterError(
          error instanceof TrackerAPIError
            ? error.message
            : trans.__('Search failed: %1', error)
        );
      }
    } finally {
      if (mine === generation.current) {
        setLoading(false);
      }
    }
  }, [api, request, trans]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    api
      .runKeys(idsKey ? idsKey.split(',') : [])
      .then(setKeys, () => setKeys(NO_KEYS));
  }, [api, idsKey, runs.length]);

  // Refresh loop: new runs (started after the newest we have) and RUNNING ones.
  const runsRef = useRef(runs);
  runsRef.current = runs;
  useEffect(() => {
    const timer = setInterval(async () => {
      setNow(Date.now());
      if (!props.isVisible() || loading || filterError) {
        return;
      }
      const current = runsRef.current;
      const newest = Math.max(0, ...current.map(r => r.info.start_time ?? 0));
      const running = current
        .filter(r => r.info.status === 'RUNNING')
        .slice(0, 50);
      const mine = generation.current;
      try {
        const [fresh, updated] = await Promise.all([
          api.searchRuns(request(`attributes.start_time > ${newest}`, 1000)),
          Promise.all(running.map(r => api.getRun(r.info.run_id)))
        ]);
        if (
          mine !== generation.current ||
          (fresh.items.length === 0 && running.length === 0)
        ) {
          return;
        }
        const byId = new Map(updated.map(r => [r.info.run_id, r]));
        const known = new Set(current.map(r => r.info.run_id));
        const added = fresh.items.filter(r => !known.has(r.info.run_id));
        const merged = current.map(r => byId.get(r.info.run_id) ?? r);
        const sortedByStart =
          sort.orderBy === 'attributes.start_time' && !sort.ascending;
        setRuns(sortedByStart ? [...added, ...merged] : [...merged, ...added]);
      } catch {
        // A failed refresh is retried on the next tick; the table keeps what it has.
      }
    }, props.refreshSeconds * 1000);
    return () => clearInterval(timer);
  }, [api, request, props.refreshSeconds, loading, filterError, sort]);

  const defaults = useMemo(
    () => defaultColumns(runs, props.fixedColumns),
    [runs, props.fixedColumns]
  );
  const chosen = props.columnChoices[idsKey];
  const columns = useMemo(
    () => shownColumns(chosen, defaults),
    [chosen, defaults]
  );

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
          {complete
            ? trans._n('%1 run', '%1 runs', runs.length)
            : trans.__('%1 runs loaded…', runs.length)}
        </span>
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
            onChange={e => setViewType(e.target.value as ViewType)}
          >
            <option value="ACTIVE_ONLY">{trans.__('Active')}</option>
            <option value="DELETED_ONLY">{trans.__('Deleted')}</option>
            <option value="ALL">{trans.__('All')}</option>
          </select>
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
            onClick={() => void load()}
          >
            <refreshIcon.react tag="span" />
          </button>
        </span>
      </header>
      <FilterBox
        value={filter}
        keys={keys}
        error={filterError}
        trans={trans}
        onApply={setFilter}
      />
      {props.rendermime && display === 'charts' ? (
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
          columns={columns}
          selected={props.selected}
          sort={sort}
          trans={trans}
          now={now}
          onSort={setSort}
          onSelectionChange={props.onSelectionChange}
          onOpen={props.onOpenRun}
        />
      )}
    </section>
  );
}
