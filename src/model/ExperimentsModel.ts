/**
 * The experiments list and which of them are selected: loaded once, then looked at again
 * on JupyterLab's `Poll` (notebooks create experiments at any time), standing by while the
 * panel is hidden and backing off while the server fails. The selection is kept across
 * reloads of the page.
 */
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { IExperiment, TrackerAPI } from '../api';
import { trackerPoll } from './poll';
import { parsePanelPlace, reconcileSelection } from './runsState';
import { PANEL_PLACE_KEY, readStored, writeStored } from './storage';

/** Notebooks create experiments at any time: look for new ones this often. */
const REFRESH_SECONDS = 5;

export class ExperimentsModel {
  constructor(options: { api: TrackerAPI; isVisible(): boolean }) {
    this._api = options.api;
    const place = parsePanelPlace(readStored(PANEL_PLACE_KEY));
    this._selected = place.experimentIds;
    this._openRun = place.openRun;
    this._poll = trackerPoll(
      'jupyterlab-tracker:experiments',
      () => this.load(),
      REFRESH_SECONDS,
      options.isVisible
    );
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get experiments(): IExperiment[] {
    return this._experiments;
  }
  /** False until the list has answered once: "No experiments" means something only then. */
  get loaded(): boolean {
    return this._loaded;
  }
  /** Why the last load failed, or null. */
  get error(): string | null {
    return this._error;
  }
  get showDeleted(): boolean {
    return this._showDeleted;
  }
  get selected(): string[] {
    return this._selected;
  }
  /** The run page shown (remembered with the selection across reloads). */
  get openRun(): string | null {
    return this._openRun;
  }
  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  set showDeleted(value: boolean) {
    if (value !== this._showDeleted) {
      this._showDeleted = value;
      this._changed.emit();
      void this.load().catch(() => undefined);
    }
  }

  select(ids: string[], openRun: string | null = null): void {
    this._selected = ids;
    this._openRun = openRun;
    this._store();
    this._changed.emit();
  }

  setOpenRun(runId: string | null): void {
    this._openRun = runId;
    this._store();
    this._changed.emit();
  }

  /**
   * Load the list now; rejects (after telling `changed`) when the server fails. A load of
   * the same list while one is under way joins it (the panel's first load and the poll's
   * first tick come together when the panel opens).
   */
  load(): Promise<void> {
    const viewType = this._showDeleted ? 'ALL' : 'ACTIVE_ONLY';
    if (this._pending?.viewType === viewType) {
      return this._pending.promise;
    }
    const promise = this._load(viewType).finally(() => {
      if (this._pending?.promise === promise) {
        this._pending = null;
      }
    });
    this._pending = { viewType, promise };
    return promise;
  }

  private async _load(viewType: 'ALL' | 'ACTIVE_ONLY'): Promise<void> {
    const mine = ++this._generation;
    try {
      const all = await this._api.experiments(viewType);
      if (mine !== this._generation) {
        return;
      }
      this._experiments = all;
      this._error = null;
      const selected = reconcileSelection(this._selected, all);
      if (selected.join(',') !== this._selected.join(',')) {
        this._selected = selected;
        this._openRun = null;
        this._store();
      }
    } catch (error) {
      if (mine === this._generation) {
        this._error = String((error as Error)?.message ?? error);
      }
      throw error;
    } finally {
      if (mine === this._generation) {
        this._loaded = true;
        this._changed.emit();
      }
    }
  }

  dispose(): void {
    if (!this.isDisposed) {
      this._generation++;
      this._poll.dispose();
      Signal.clearData(this);
    }
  }

  private _store(): void {
    writeStored(PANEL_PLACE_KEY, {
      experimentIds: this._selected,
      openRun: this._openRun
    });
  }

  private readonly _api: TrackerAPI;
  private readonly _poll: Poll;
  private readonly _changed = new Signal<this, void>(this);
  private _experiments: IExperiment[] = [];
  private _loaded = false;
  private _error: string | null = null;
  private _showDeleted = false;
  private _selected: string[];
  private _openRun: string | null;
  private _generation = 0;
  private _pending: {
    viewType: 'ALL' | 'ACTIVE_ONLY';
    promise: Promise<void>;
  } | null = null;
}
