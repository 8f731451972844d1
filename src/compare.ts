/**
 * The compare widget's shared model: which runs are compared. The panel's selection and
 * the widget's own remove buttons change it; the widget redraws when it changes.
 */
import { ISignal, Signal } from '@lumino/signaling';

export class CompareModel {
  /** The compared run ids, in the order they were added. */
  get runIds(): string[] {
    return this._runIds;
  }

  set runIds(ids: string[]) {
    const unique = [...new Set(ids)];
    if (
      unique.length === this._runIds.length &&
      unique.every((id, i) => id === this._runIds[i])
    ) {
      return;
    }
    this._runIds = unique;
    this._changed.emit(unique);
  }

  add(ids: Iterable<string>): void {
    this.runIds = [...this._runIds, ...ids];
  }

  remove(ids: Iterable<string>): void {
    const gone = new Set(ids);
    this.runIds = this._runIds.filter(id => !gone.has(id));
  }

  get changed(): ISignal<this, string[]> {
    return this._changed;
  }

  private _runIds: string[] = [];
  private readonly _changed = new Signal<this, string[]>(this);
}

/** `worker` over `items`, at most `limit` at a time; results in the items' order. */
export async function mapWithConcurrency<T, R>(
  items: T[],
  limit: number,
  worker: (item: T) => Promise<R>
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await worker(items[index]);
      }
    }
  );
  await Promise.all(lanes);
  return results;
}
