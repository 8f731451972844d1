/**
 * The compared runs' data: each run once, and its metric histories, kept when runs are
 * added or removed. The shown metric's histories are read first (the overlay draws), the
 * others after (the min/max summary). Components re-render on `changed`.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { IMetric, IRun, TrackerAPI } from '../api';
import { mapWithConcurrency } from '../compare';

/** Points per history: enough for the overlay's width, cheap for 100 runs. */
const HISTORY_POINTS = 500;
const CONCURRENT_REQUESTS = 8;

export const historyKey = (runId: string, metric: string): string =>
  `${runId}\u0000${metric}`;

export class CompareRunsModel {
  constructor(options: { api: TrackerAPI }) {
    this._api = options.api;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get runIds(): string[] {
    return this._runIds;
  }
  /** The runs read so far, by id (a run that failed to load is absent). */
  get runs(): ReadonlyMap<string, IRun> {
    return this._runs;
  }
  /** Histories by `historyKey(runId, metric)`. */
  get histories(): ReadonlyMap<string, IMetric[]> {
    return this._histories;
  }
  /** Histories asked for and not answered yet. */
  get pending(): number {
    return this._pending;
  }
  /** True when some runs could not be read. */
  get failed(): boolean {
    return this._failed;
  }

  /** Compare these runs, `shownMetric`'s histories first. */
  show(runIds: string[], shownMetric: string): void {
    this._runIds = runIds;
    this._shownMetric = shownMetric;
    void this._load();
  }

  dispose(): void {
    this._disposed = true;
    Signal.clearData(this);
  }

  private async _load(): Promise<void> {
    const runIds = this._runIds;
    const missing = runIds.filter(id => !this._runs.has(id));
    const fetched = await mapWithConcurrency(missing, CONCURRENT_REQUESTS, id =>
      this._api.getRun(id).catch(() => null)
    );
    if (this._disposed) {
      return;
    }
    const runs = new Map(this._runs);
    fetched.forEach(run => run && runs.set(run.info.run_id, run));
    this._runs = runs;
    this._failed = fetched.some(run => !run);
    this._changed.emit();
    const wanted = runIds.flatMap(id =>
      Object.keys(runs.get(id)?.data.metrics ?? {}).map(key => ({ id, key }))
    );
    const first =
      this._shownMetric || [...new Set(wanted.map(w => w.key))].sort()[0];
    await this._loadHistories(wanted.filter(w => w.key === first));
    await this._loadHistories(wanted.filter(w => w.key !== first));
  }

  private async _loadHistories(wanted: { id: string; key: string }[]) {
    const fresh = wanted.filter(
      ({ id, key }) => !this._requested.has(historyKey(id, key))
    );
    if (!fresh.length) {
      return;
    }
    fresh.forEach(({ id, key }) => this._requested.add(historyKey(id, key)));
    this._pending += fresh.length;
    this._changed.emit();
    const loaded = await mapWithConcurrency(
      fresh,
      CONCURRENT_REQUESTS,
      ({ id, key }) =>
        this._api
          .metricHistory(id, key, HISTORY_POINTS)
          .then(h => h.metrics)
          .catch(() => [] as IMetric[])
    );
    if (this._disposed) {
      return;
    }
    // Results stay valid whatever changed meanwhile: merge them in.
    const histories = new Map(this._histories);
    fresh.forEach(({ id, key }, i) =>
      histories.set(historyKey(id, key), loaded[i])
    );
    this._histories = histories;
    this._pending -= fresh.length;
    this._changed.emit();
  }

  private readonly _api: TrackerAPI;
  private readonly _changed = new Signal<this, void>(this);
  private _runIds: string[] = [];
  private _shownMetric = '';
  private _runs = new Map<string, IRun>();
  private _histories = new Map<string, IMetric[]>();
  private readonly _requested = new Set<string>();
  private _pending = 0;
  private _failed = false;
  private _disposed = false;
}
