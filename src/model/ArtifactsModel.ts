/**
 * A run's artifacts for the run page's Artifacts tab: its roots (the run's files and its
 * logged models), the directories opened and their listings (each read once, when first
 * opened), and the file contents a preview or a download asks for. Components render it
 * and re-render on `changed`.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { ILoggedModel, TrackerAPI } from '../api';
import {
  IArtifactRoot,
  ITreeRow,
  Listing,
  rowId,
  visibleRows
} from '../artifactTree';

export class ArtifactsModel {
  constructor(options: { api: TrackerAPI; runId: string; runLabel: string }) {
    this._api = options.api;
    this._runRoot = {
      owner: 'runs',
      id: options.runId,
      label: options.runLabel
    };
    this._roots = [this._runRoot];
    this._open.add(rowId(this._runRoot, ''));
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get models(): ILoggedModel[] {
    return this._models;
  }
  /** The run's files first, then each logged model's (labelled by the model's name). */
  get roots(): IArtifactRoot[] {
    return this._roots;
  }
  /** The rows shown, in order. */
  get rows(): ITreeRow[] {
    return visibleRows(this.roots, this._open, this._listings);
  }

  isOpen(row: ITreeRow): boolean {
    return this._open.has(row.id);
  }
  /** A directory's listing: undefined while not read yet. */
  listing(row: ITreeRow): Listing | undefined {
    return this._listings.get(row.id);
  }

  /** Read the logged models and the open directories' listings. */
  async load(): Promise<void> {
    try {
      this._models = await this._api.loggedModelsOfRun(this._runRoot.id);
    } catch {
      this._models = [];
    }
    if (this._disposed) {
      return;
    }
    this._roots = [
      this._runRoot,
      ...this._models.map(model => ({
        owner: 'logged-models' as const,
        id: model.model_id,
        label: model.name,
        model
      }))
    ];
    for (const root of this._roots.slice(1)) {
      this._open.add(rowId(root, ''));
    }
    this._changed.emit();
    await Promise.all(this.rows.map(row => this._list(row)));
  }

  setOpen(row: ITreeRow, open: boolean): void {
    if (!row.isDir || open === this._open.has(row.id)) {
      return;
    }
    if (open) {
      this._open.add(row.id);
      void this._list(row);
    } else {
      this._open.delete(row.id);
    }
    this._changed.emit();
  }

  /** A file's bytes (`maxBytes`: only its start). */
  content(root: IArtifactRoot, path: string, maxBytes?: number): Promise<Blob> {
    return this._api.artifactBlob(root.owner, root.id, path, maxBytes);
  }

  dispose(): void {
    this._disposed = true;
    Signal.clearData(this);
  }

  private async _list(row: ITreeRow): Promise<void> {
    if (!row.isDir || !this._open.has(row.id) || this._listings.has(row.id)) {
      return;
    }
    if (this._listing.has(row.id)) {
      return;
    }
    this._listing.add(row.id);
    let listing: Listing;
    try {
      listing = await this._api.listArtifacts(
        row.root.owner,
        row.root.id,
        row.path
      );
    } catch (error) {
      listing = { error: String((error as Error)?.message ?? error) };
    }
    this._listing.delete(row.id);
    if (this._disposed) {
      return;
    }
    this._listings.set(row.id, listing);
    this._changed.emit();
  }

  private readonly _api: TrackerAPI;
  private readonly _runRoot: IArtifactRoot;
  private readonly _changed = new Signal<this, void>(this);
  private _models: ILoggedModel[] = [];
  private _roots: IArtifactRoot[];
  private readonly _open = new Set<string>();
  private readonly _listings = new Map<string, Listing>();
  private readonly _listing = new Set<string>();
  private _disposed = false;
}
