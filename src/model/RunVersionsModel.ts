/**
 * The registered versions of the runs in the table (its Models column): asked for each
 * run once, in one request per 1000 runs (`run_id IN (...)`), as the runs' pages arrive;
 * `reload` asks again for all of them (the table's refresh button).
 */
import { ISignal, Signal } from '@lumino/signaling';

import { TrackerAPI } from '../api';
import { IVersionRef, versionsByRun } from '../registry';

const NONE: IVersionRef[] = [];

export class RunVersionsModel {
  constructor(api: TrackerAPI) {
    this._api = api;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** "churn v3", "churn v4": the versions registered from `runId`. */
  versionsOf(runId: string): IVersionRef[] {
    return this._byRun.get(runId) ?? NONE;
  }

  /** Counts the answers taken in: what changes when the versions shown may. */
  get generation(): number {
    return this._generation;
  }

  /** Whether any run asked about has a registered version. */
  get hasVersions(): boolean {
    return this._byRun.size > 0;
  }

  /** The runs now in the table: those not asked about yet are asked about. */
  setRuns(runIds: string[]): Promise<void> {
    this._current = runIds;
    const fresh = runIds.filter(id => !this._asked.has(id));
    return this._ask(fresh);
  }

  reload(): Promise<void> {
    this._asked.clear();
    return this.setRuns(this._current);
  }

  dispose(): void {
    this._disposed = true;
    Signal.clearData(this);
  }

  private async _ask(runIds: string[]): Promise<void> {
    if (!runIds.length) {
      return;
    }
    runIds.forEach(id => this._asked.add(id));
    let versions;
    try {
      versions = await this._api.modelVersionsOfRuns(runIds);
    } catch {
      runIds.forEach(id => this._asked.delete(id)); // asked again with the next runs
      return;
    }
    if (this._disposed) {
      return;
    }
    const byRun = new Map(this._byRun);
    runIds.forEach(id => byRun.delete(id));
    for (const [runId, refs] of versionsByRun(versions)) {
      byRun.set(runId, refs);
    }
    this._byRun = byRun;
    this._generation++;
    this._changed.emit();
  }

  private readonly _api: TrackerAPI;
  private readonly _changed = new Signal<this, void>(this);
  private readonly _asked = new Set<string>();
  private _current: string[] = [];
  private _byRun: ReadonlyMap<string, IVersionRef[]> = new Map();
  private _disposed = false;
  private _generation = 0;
}
