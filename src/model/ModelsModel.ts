/**
 * The Models view's data: where the view is (the list, a model, a version, two versions
 * compared) and what that place shows, loaded through `TrackerAPI`; edits (aliases, tags,
 * stage, description) go through here and reload the place. The list and a model's
 * versions refresh on the shared poll (`poll.ts`: standby while hidden, backoff on
 * errors), so versions registered from a notebook appear; a version page reloads on
 * demand and after each edit. Components read the state and re-render on `changed`.
 */
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import {
  IModelVersion,
  IModelVersionDetails,
  IRegisteredModel,
  ModelStage,
  TrackerAPI
} from '../api';
import { pollFrequency, trackerPoll } from './poll';

export type ModelsPlace =
  | { view: 'list' }
  | { view: 'model'; name: string; highlight?: string }
  | { view: 'version'; name: string; version: string }
  | { view: 'compare'; name: string; versions: [string, string] };

/** The search box's text as a registry filter (a quote in it is escaped). */
export function modelSearchFilter(term: string): string {
  const text = term.trim().replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  return text ? `name ILIKE '%${text}%'` : '';
}

/** Two versions to compare, in version order ("3" before "12"); null unless two. */
export function comparedPair(
  versions: Iterable<string>
): [string, string] | null {
  const picked = [...new Set(versions)].sort((a, b) => Number(a) - Number(b));
  return picked.length === 2 ? [picked[0], picked[1]] : null;
}

export function samePlace(a: ModelsPlace, b: ModelsPlace): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface IModelsModelOptions {
  api: TrackerAPI;
  refreshSeconds: number;
  isVisible(): boolean;
}

export class ModelsModel {
  constructor(options: IModelsModelOptions) {
    this._api = options.api;
    this._poll = trackerPoll(
      'jupyterlab-tracker:models',
      () => this._refresh(),
      options.refreshSeconds,
      options.isVisible
    );
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get place(): ModelsPlace {
    return this._place;
  }
  get search(): string {
    return this._search;
  }
  /** The registered models of the list (null until loaded). */
  get models(): IRegisteredModel[] | null {
    return this._models;
  }
  /** The open model and its versions, newest first. */
  get model(): IRegisteredModel | null {
    return this._model;
  }
  get versions(): IModelVersion[] {
    return this._versions;
  }
  /** The names of the versions' source runs, by run id. */
  get runNames(): ReadonlyMap<string, string> {
    return this._runNames;
  }
  /** The open version's page, or the two compared ones. */
  get details(): IModelVersionDetails[] {
    return this._details;
  }
  get loading(): boolean {
    return this._loading;
  }
  get error(): string | null {
    return this._error;
  }
  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  set refreshSeconds(seconds: number) {
    this._poll.frequency = pollFrequency(seconds);
  }

  /** Go somewhere (a click, a link): what was shown for another place is dropped. */
  setPlace(place: ModelsPlace): Promise<void> {
    if (samePlace(place, this._place) && !this._error) {
      return this._load(false);
    }
    this._place = place;
    this._model = null;
    this._versions = [];
    this._details = [];
    return this._load(true);
  }

  setSearch(term: string): Promise<void> {
    this._search = term;
    return this._load(false);
  }

  reload(): Promise<void> {
    return this._load(false);
  }

  // ---- edits: each reloads the place; a failure is thrown for the view to show ----

  setAlias(name: string, alias: string, version: string): Promise<void> {
    return this._edit(() => this._api.setModelAlias(name, alias, version));
  }
  deleteAlias(name: string, alias: string): Promise<void> {
    return this._edit(() => this._api.deleteModelAlias(name, alias));
  }
  setVersionTag(
    name: string,
    version: string,
    key: string,
    value: string
  ): Promise<void> {
    return this._edit(() =>
      this._api.setModelVersionTag(name, version, key, value)
    );
  }
  deleteVersionTag(name: string, version: string, key: string): Promise<void> {
    return this._edit(() =>
      this._api.deleteModelVersionTag(name, version, key)
    );
  }
  setStage(
    name: string,
    version: string,
    stage: ModelStage,
    archiveExisting: boolean
  ): Promise<void> {
    return this._edit(() =>
      this._api.setModelVersionStage(name, version, stage, archiveExisting)
    );
  }
  setDescription(
    name: string,
    version: string,
    description: string
  ): Promise<void> {
    return this._edit(() =>
      this._api.setModelVersionDescription(name, version, description)
    );
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._generation++;
    this._poll.dispose();
    Signal.clearData(this);
  }

  private async _edit(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } finally {
      await this._load(false);
    }
  }

  /** Load what the place shows; an answer for a place left meanwhile is dropped. */
  private async _load(showLoading: boolean): Promise<void> {
    const mine = ++this._generation;
    const place = this._place;
    if (showLoading) {
      this._loading = true;
      this._error = null;
      this._emit();
    }
    try {
      await this._fetch(place, () => mine === this._generation);
      if (mine !== this._generation) {
        return;
      }
      this._error = null;
    } catch (error) {
      if (mine !== this._generation) {
        return;
      }
      this._error = String((error as Error).message ?? error);
    }
    this._loading = false;
    this._emit();
  }

  private async _fetch(
    place: ModelsPlace,
    current: () => boolean
  ): Promise<void> {
    const api = this._api;
    if (place.view === 'list') {
      const models = await api.registeredModels(
        modelSearchFilter(this._search)
      );
      if (current()) {
        this._models = models;
      }
    } else if (place.view === 'model') {
      const [model, versions] = await Promise.all([
        api.registeredModel(place.name),
        api.modelVersions(place.name)
      ]);
      if (!current()) {
        return;
      }
      this._model = model;
      this._versions = versions;
      const ids = versions.flatMap(v => (v.run_id ? [v.run_id] : []));
      const unnamed = ids.filter(id => !this._runNames.has(id));
      if (unnamed.length) {
        const runs = await api.runsByIds(unnamed).catch(() => []); // ids still show
        const names = new Map(this._runNames);
        runs.forEach(r => names.set(r.info.run_id, r.info.run_name));
        this._runNames = names;
      }
    } else {
      const numbers =
        place.view === 'version' ? [place.version] : place.versions;
      const details = await Promise.all(
        numbers.map(v => api.modelVersionDetails(place.name, v))
      );
      if (current()) {
        this._details = details;
      }
    }
  }

  /** A tick: the list or the open model again (a version page reloads on demand). */
  private async _refresh(): Promise<void> {
    if (this._place.view !== 'list' && this._place.view !== 'model') {
      return;
    }
    await this._load(false);
    if (this._error) {
      throw new Error(this._error); // the poll backs off
    }
  }

  private _emit(): void {
    this._changed.emit();
  }

  private readonly _api: TrackerAPI;
  private readonly _poll: Poll;
  private readonly _changed = new Signal<this, void>(this);
  private _place: ModelsPlace = { view: 'list' };
  private _search = '';
  private _models: IRegisteredModel[] | null = null;
  private _model: IRegisteredModel | null = null;
  private _versions: IModelVersion[] = [];
  private _runNames: ReadonlyMap<string, string> = new Map();
  private _details: IModelVersionDetails[] = [];
  private _loading = false;
  private _error: string | null = null;
  private _generation = 0;
}
