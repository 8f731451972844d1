/**
 * One run as the run page shows it: the run, its child runs and the histories of the
 * metrics a tab shows. While the run is RUNNING it is read again on JupyterLab's `Poll`
 * (standby while the panel is hidden, backoff on errors); a history is read again only
 * when its metric's latest step or timestamp moved. Components read the state and
 * re-render on `changed` (`useModel`); they never call the API themselves.
 */
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { IMetric, IRun, TrackerAPI } from '../api';
import { NOTE_TAG, PARENT_RUN_TAG } from '../tags';
import { pollFrequency, trackerPoll } from './poll';

/** Points per history: the server downsamples longer ones (first, last, min, max). */
export const HISTORY_POINTS = 1000;
const MAX_CHILDREN = 1000;

export interface IHistory {
  points: IMetric[];
  /** True when the server downsampled the history to `HISTORY_POINTS`. */
  sampled: boolean;
}

export interface IRunModelOptions {
  api: TrackerAPI;
  runId: string;
  refreshSeconds: number;
  isVisible(): boolean;
}

/** What a history was read at: its metric's latest step and timestamp. */
export function metricVersion(run: IRun, key: string): string | null {
  const latest = run.data.metrics[key];
  return latest ? `${latest.step}:${latest.timestamp}` : null;
}

export class RunModel {
  constructor(options: IRunModelOptions) {
    this._api = options.api;
    this.runId = options.runId;
    this._refreshSeconds = options.refreshSeconds;
    this._isVisible = options.isVisible;
  }

  readonly runId: string;

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** Null until the first load answers. */
  get run(): IRun | null {
    return this._run;
  }
  /** Why the run could not be read, or null. */
  get error(): string | null {
    return this._error;
  }
  get childRuns(): IRun[] {
    return this._children;
  }
  get histories(): ReadonlyMap<string, IHistory> {
    return this._histories;
  }
  /** Why the last history read failed, or null. */
  get historyError(): string | null {
    return this._historyError;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }

  set refreshSeconds(seconds: number) {
    this._refreshSeconds = seconds;
    if (this._poll) {
      this._poll.frequency = pollFrequency(seconds);
    }
  }

  /**
   * Read the run and its children now (the refresh button, after a change). A failure
   * is kept in `error` (the run read before stays shown).
   */
  load(): Promise<void> {
    return this._load().catch(() => undefined);
  }

  /** One read; rejects when the server fails (so that the poll backs off). */
  private async _load(): Promise<void> {
    try {
      const run = await this._api.getRun(this.runId);
      const page = await this._api.searchRuns({
        experiment_ids: [run.info.experiment_id],
        filter: `tags.\`${PARENT_RUN_TAG}\` = '${this.runId}'`,
        max_results: MAX_CHILDREN
      });
      if (this._disposed) {
        return;
      }
      this._run = run;
      this._children = page.items;
      this._error = null;
    } catch (error) {
      if (this._disposed) {
        return;
      }
      this._error = String((error as Error)?.message ?? error);
      this._changed.emit();
      throw error;
    }
    this._updatePoll();
    this._changed.emit();
    await this._readHistories();
  }

  /**
   * The metrics a tab shows: their histories are read now where missing or stale, and
   * again whenever a refresh finds them moved. Other histories are kept, not refreshed.
   */
  showHistories(keys: string[]): void {
    this._wanted = new Set(keys);
    void this._readHistories();
  }

  async setTag(key: string, value: string): Promise<void> {
    await this._api.setRunTag(this.runId, key, value);
    await this.load();
  }

  async deleteTag(key: string): Promise<void> {
    await this._api.deleteRunTag(this.runId, key);
    await this.load();
  }

  setDescription(text: string): Promise<void> {
    return this.setTag(NOTE_TAG, text);
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._poll?.dispose();
    this._poll = null;
    Signal.clearData(this);
  }

  /** Poll while the run is RUNNING, and only then. */
  private _updatePoll(): void {
    const running = this._run?.info.status === 'RUNNING';
    if (running && !this._poll) {
      this._poll = trackerPoll(
        'jupyterlab-tracker:run',
        () => this._load(),
        this._refreshSeconds,
        this._isVisible
      );
    } else if (!running && this._poll) {
      this._poll.dispose();
      this._poll = null;
    }
  }

  private async _readHistories(): Promise<void> {
    const run = this._run;
    if (!run) {
      return;
    }
    const stale = [...this._wanted].filter(key => {
      const version = metricVersion(run, key);
      return (
        version !== null &&
        this._versions.get(key) !== version &&
        this._reading.get(key) !== version
      );
    });
    if (!stale.length) {
      return;
    }
    const versions = stale.map(key => metricVersion(run, key)!);
    stale.forEach((key, i) => this._reading.set(key, versions[i]));
    try {
      const results = await Promise.all(
        stale.map(key =>
          this._api.metricHistory(this.runId, key, HISTORY_POINTS)
        )
      );
      if (this._disposed) {
        return;
      }
      const next = new Map(this._histories);
      stale.forEach((key, i) => {
        next.set(key, {
          points: results[i].metrics,
          sampled: results[i].sampled
        });
        this._versions.set(key, versions[i]);
      });
      this._histories = next;
      this._historyError = null;
    } catch (error) {
      if (this._disposed) {
        return;
      }
      this._historyError = String((error as Error)?.message ?? error);
    } finally {
      stale.forEach((key, i) => {
        if (this._reading.get(key) === versions[i]) {
          this._reading.delete(key);
        }
      });
    }
    this._changed.emit();
  }

  private readonly _api: TrackerAPI;
  private readonly _isVisible: () => boolean;
  private readonly _changed = new Signal<this, void>(this);
  private _refreshSeconds: number;
  private _poll: Poll | null = null;
  private _run: IRun | null = null;
  private _error: string | null = null;
  private _children: IRun[] = [];
  private _wanted = new Set<string>();
  private _histories = new Map<string, IHistory>();
  /** The version each shown history was read at. */
  private readonly _versions = new Map<string, string>();
  /** Reads under way, by the version they read: asked once however often a tab asks. */
  private readonly _reading = new Map<string, string>();
  private _historyError: string | null = null;
  private _disposed = false;
}
