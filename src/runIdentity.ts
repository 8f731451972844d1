/**
 * How a run is named on screen: by its name, and where an id must show, by the part of
 * the id that tells it apart from the other ids on screen.
 *
 * Run ids are time-ordered (UUIDv7, `jupyterlab_tracker/store/ids.py`): the first twelve
 * digits are the creation time in milliseconds, so the runs of one sweep share their
 * first eight digits. Their last digits are random (MLflow's uuid4 ids are random
 * throughout), so each id is shown by its shortest suffix that ends no other id on
 * screen, at least `MIN_ID_PART` digits long (as the git short hash, long enough to stay
 * put while a few runs are added). The notebook views follow the same rule
 * (`jupyterlab_tracker/views/identity.py`; `tests/views/test_run_identity_parity.py`).
 */

/** The fewest digits of an id shown (unless the id itself is shorter). */
export const MIN_ID_PART = 6;

/** Marks a shown part of an id as its end (the full id is one click away). */
export const ID_PART_MARK = '…';

function commonSuffixLength(a: string, b: string): number {
  let n = 0;
  while (
    n < a.length &&
    n < b.length &&
    a[a.length - 1 - n] === b[b.length - 1 - n]
  ) {
    n++;
  }
  return n;
}

/**
 * For each distinct id of `ids`: its shortest suffix, of at least `minLength` characters,
 * that is not the end of any other id of the set. An id that is itself the end of another
 * one (only possible with ids of different lengths) is shown whole.
 */
export function idParts(
  ids: Iterable<string>,
  minLength = MIN_ID_PART
): Map<string, string> {
  const distinct = [...new Set(ids)];
  // Ids sorted by their reversed text: an id's longest common suffix with any other id
  // is its common suffix with one of its two neighbours.
  const reversed = distinct
    .map(id => ({ id, key: [...id].reverse().join('') }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const parts = new Map<string, string>();
  reversed.forEach(({ id }, i) => {
    const shared = Math.max(
      i > 0 ? commonSuffixLength(id, reversed[i - 1].id) : 0,
      i + 1 < reversed.length ? commonSuffixLength(id, reversed[i + 1].id) : 0
    );
    const length = Math.min(id.length, Math.max(minLength, shared + 1));
    parts.set(id, id.slice(id.length - length));
  });
  return parts;
}

/** How a part of `id` reads: `…<part>`, or the id itself when the part is all of it. */
export function idPartText(id: string, part: string): string {
  return part === id ? id : ID_PART_MARK + part;
}

/** One run as it is labelled: its id and its name ('' when it has none). */
export interface IRunIdentity {
  runId: string;
  name: string;
}

/**
 * A label per run id, unique among `runs`: the run's name; where two runs of the set share
 * a name, the name and the distinguishing part of the id (`name (…3f9a1c)`); a run
 * without a name, the part of its id alone.
 */
export function runLabels(runs: IRunIdentity[]): Map<string, string> {
  const parts = idParts(runs.map(r => r.runId));
  const idsByName = new Map<string, Set<string>>();
  for (const { runId, name } of runs) {
    const ids = idsByName.get(name) ?? new Set<string>();
    ids.add(runId);
    idsByName.set(name, ids);
  }
  const labels = new Map<string, string>();
  for (const { runId, name } of runs) {
    const idText = idPartText(runId, parts.get(runId)!);
    labels.set(
      runId,
      !name
        ? idText
        : idsByName.get(name)!.size > 1
          ? `${name} (${idText})`
          : name
    );
  }
  return labels;
}
