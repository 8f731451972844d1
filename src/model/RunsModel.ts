/**
 * The runs of the selected experiments, with their filter, sort and lifecycle view: a small
 * first page, then the rest streamed in behind it, then a refresh (new runs and RUNNING
 * ones) on JupyterLab's `Poll`, which stands by while the panel is hidden and backs off on
 * errors. Components read the state and re-render on `changed`.
 */
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import {
  IPurgeReport,
  IRun,
  IRunsUpdate,
  ISearchRunsRequest,
  IStorageReport,
  RunsAction,
  TrackerAPI,
  ViewType
} from '../api';
import {
  classifyLoadError,
  ColumnWidths,
  DEFAULT_VIEW_STATE,
  ILoadError,
  IRunsViewState,
  ISort,
  mergeRefreshed,
  newestStart,
  parseColumnWidths,
  parseViewStates,
  runningRuns
} from './runsState';
import { pollFrequency, trackerPoll } from './poll';
import { readStored, VIEW_STATES_KEY, writeStored } from './storage';

const FIRST_PAGE = 200;
const NEXT_PAGES = 2000;
const MAX_RUNS = 50000;
const REFRESH_NEW = 1000;
const REFRESH_RUNNING = 50;

export interface IRunsModelOptions {
  api: TrackerAPI;
  refreshSeconds: number;
  isVisible(): boolean;
}

export class RunsModel {
  constructor(options: IRunsModelOptions) {
    this._api = options.api;
    this._poll = trackerPoll(
      'jupyterlab-tracker:runs',
      () => this._refresh(),
      options.refreshSeconds,
      options.isVisible
    );
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** The experiments (ids joined by commas) the runs below belong to. */
  get experimentsKey(): string {
    return this._key;
  }
  get runs(): IRun[] {
    return this._runs;
  }
  /** True until the first page of the current query has answered (or failed). */
  get loading(): boolean {
    return this._loading;
  }
  /** False while more pages are still streaming in. */
  get complete(): boolean {
    return this._complete;
  }
  get error(): ILoadError | null {
    return this._error;
  }
  get view(): IRunsViewState {
    return this._view;
  }
  /** The time of the last tick, for relative times ("2 min ago") and durations. */
  get now(): number {
    return this._now;
  }
  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  set refreshSeconds(seconds: number) {
    this._poll.frequency = pollFrequency(seconds);
  }

  /** Show other experiments: their remembered filter, sort and view, and none of the old rows. */
  setExperiments(key: string): void {
    if (key === this._key) {
      return;
    }
    this._key = key;
    this._view =
      parseViewStates(readStored(VIEW_STATES_KEY))[key] ?? DEFAULT_VIEW_STATE;
    void this._load(true);
    this._loadStorage();
  }

  setFilter(filter: string): void {
    this._setView({ ...this._view, filter });
  }
  /** The same runs in another order: the rows stay until the new order comes (and the
   * table, with the header the user sorted by keyboard, stays focused). */
  setSort(sort: ISort): void {
    this._setView({ ...this._view, sort }, 'keep rows');
  }
  setViewType(viewType: ViewType): void {
    this._setView({ ...this._view, viewType });
  }
  /** Column widths change how rows look, not which: kept, with no new query. */
  setColumnWidths(widths: ColumnWidths): void {
    this._setView(
      { ...this._view, widths: parseColumnWidths(widths) },
      'no query'
    );
  }

  /**
   * The storage the runs of the one shown experiment use in the current lifecycle view
   * (null while unknown, or when several experiments are shown). Computed by the server on
   * request: asked for when the experiment or view changes and after an action, never on
   * the poll.
   */
  get storage(): IStorageReport | null {
    return this._storage;
  }

  /** Rename one run, then reload. */
  async renameRun(runId: string, name: string): Promise<void> {
    await this._api.updateRun(runId, { run_name: name });
    await this._afterAction();
  }

  /** One action on many runs in one request, then reload; the answer says which failed. */
  async applyToRuns(
    runIds: string[],
    action: RunsAction,
    tags: { key: string; value: string }[] = [],
    keys: string[] = []
  ): Promise<IRunsUpdate> {
    const update = await this._api.updateRuns(runIds, action, tags, keys);
    await this._afterAction();
    return update;
  }

  /** What permanently deleting these (deleted) runs would free: nothing is removed. */
  previewPurge(runIds: string[]): Promise<IPurgeReport> {
    return this._api.purge(runIds, [], true);
  }

  /** Permanently delete these deleted runs, files and rows, then reload. */
  async purgeRuns(runIds: string[]): Promise<IPurgeReport> {
    const report = await this._api.purge(runIds, [], false);
    await this._afterAction();
    return report;
  }

  private async _afterAction(): Promise<void> {
    await this.reload();
    this._loadStorage();
  }

  private _loadStorage(): void {
    const key = this._key;
    const viewType = this._view.viewType;
    this._storageViewType = viewType;
    this._storage = null;
    if (!key || key.includes(',')) {
      return;
    }
    this._api.experimentStorage(key, viewType).then(
      storage => {
        if (key === this._key && viewType === this._view.viewType) {
          this._storage = storage;
          this._emit();
        }
      },
      () => undefined // the figure is left out; the runs still show
    );
  }

  /** Load from the first page again (the refresh button, Retry); the rows stay meanwhile. */
  reload(): Promise<void> {
    return this._load(false);
  }

  /** A new query: none of the old rows are shown under it. */
  private async _load(clear: boolean, inBackground = false): Promise<void> {
    const mine = ++this._generation;
    if (clear) {
      this._runs = [];
    }
    if (!inBackground) {
      // A background retry keeps the banner up until it works.
      this._loading = true;
      this._complete = false;
      this._error = null;
      this._emit();
    }
    try {
      let page = await this._api.searchRuns(this._request());
      if (mine !== this._generation) {
        return;
      }
      let loaded = page.items;
      this._runs = loaded;
      this._error = null;
      this._loading = false;
      this._complete = !page.nextPageToken;
      this._emit();
      while (page.nextPageToken && loaded.length < MAX_RUNS) {
        page = await this._api.searchRuns(
          this._request('', NEXT_PAGES, page.nextPageToken)
        );
        if (mine !== this._generation) {
          return;
        }
        loaded = loaded.concat(page.items);
        this._runs = loaded;
        this._emit();
      }
      this._complete = !page.nextPageToken;
    } catch (error) {
      if (mine !== this._generation) {
        return;
      }
      this._error = classifyLoadError(error);
      this._complete = true;
    }
    this._loading = false;
    this._emit();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._generation++;
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _setView(
    view: IRunsViewState,
    load: 'new rows' | 'keep rows' | 'no query' = 'new rows'
  ): void {
    this._view = view;
    const states = parseViewStates(readStored(VIEW_STATES_KEY));
    states[this._key] = view;
    writeStored(VIEW_STATES_KEY, states);
    if (load === 'no query') {
      this._emit();
    } else {
      void this._load(load === 'new rows');
    }
    if (view.viewType !== this._storageViewType) {
      this._loadStorage();
    }
  }

  private _request(
    extraFilter = '',
    maxResults = FIRST_PAGE,
    pageToken: string | null = null
  ): ISearchRunsRequest {
    const { filter, sort, viewType } = this._view;
    return {
      experiment_ids: this._key ? this._key.split(',') : [],
      filter: [filter, extraFilter].filter(Boolean).join(' and '),
      run_view_type: viewType,
      max_results: maxResults,
      order_by: [`${sort.orderBy} ${sort.ascending ? 'ASC' : 'DESC'}`],
      page_token: pageToken
    };
  }

  /**
   * One tick: new runs and RUNNING ones; after a server failure, another try. A rejection
   * makes the poll back off.
   */
  private async _refresh(): Promise<void> {
    this._now = Date.now();
    if (this._error?.kind === 'server' && !this._loading) {
      await this._load(false, true);
      if (this._error) {
        throw new Error(this._error.message);
      }
      return;
    }
    if (this._loading || this._error || !this._key) {
      this._emit();
      return;
    }
    const mine = this._generation;
    const current = this._runs;
    const running = runningRuns(current, REFRESH_RUNNING);
    const [fresh, updated] = await Promise.all([
      this._api.searchRuns(
        this._request(
          `attributes.start_time > ${newestStart(current)}`,
          REFRESH_NEW
        )
      ),
      Promise.all(running.map(r => this._api.getRun(r.info.run_id)))
    ]);
    if (mine === this._generation && (fresh.items.length || running.length)) {
      this._runs = mergeRefreshed(
        current,
        fresh.items,
        updated,
        this._view.sort
      );
    }
    this._emit();
  }

  private _emit(): void {
    this._changed.emit();
  }

  private readonly _api: TrackerAPI;
  private readonly _poll: Poll;
  private readonly _changed = new Signal<this, void>(this);
  private _key = '';
  private _runs: IRun[] = [];
  private _loading = true;
  private _complete = false;
  private _error: ILoadError | null = null;
  private _view: IRunsViewState = DEFAULT_VIEW_STATE;
  private _now = Date.now();
  private _generation = 0;
  private _storage: IStorageReport | null = null;
  private _storageViewType: ViewType = DEFAULT_VIEW_STATE.viewType;
}
