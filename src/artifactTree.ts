/**
 * The artifact tree as the run page shows it: the visible rows in order (a directory's
 * entries under it while it is open) and what a key does on a row (WAI-ARIA's tree
 * pattern). Pure; unit-tested in src/__tests__/artifactTree.test.ts.
 */
import type { ArtifactOwner, IFileInfo, ILoggedModel } from './api';

/** A place files live: the run itself, or one of its logged models. */
export interface IArtifactRoot {
  owner: ArtifactOwner;
  id: string;
  label: string;
  model?: ILoggedModel;
}

export interface ITreeRow {
  /** Unique in the tree: the root and the path. */
  id: string;
  root: IArtifactRoot;
  /** The full path under the root ("" for the root itself). */
  path: string;
  label: string;
  isDir: boolean;
  /** 1 for a root (`aria-level`). */
  level: number;
  /** The file as listed (null for a root). */
  file: IFileInfo | null;
  parentId: string | null;
}

/** A directory's listing: its entries, or why it could not be read. */
export type Listing = IFileInfo[] | { error: string };

export const rowId = (root: IArtifactRoot, path: string): string =>
  `${root.owner}/${root.id}:${path}`;

const basename = (path: string) => path.split('/').pop() ?? path;

/** Servers answer full relative paths or basenames: make both full. */
export function fullPath(dir: string, listed: string): string {
  return listed.includes('/') || !dir ? listed : `${dir}/${listed}`;
}

/** The rows shown: each root, and the entries of every open directory under it. */
export function visibleRows(
  roots: IArtifactRoot[],
  open: ReadonlySet<string>,
  listings: ReadonlyMap<string, Listing>
): ITreeRow[] {
  const rows: ITreeRow[] = [];
  const walk = (row: ITreeRow) => {
    rows.push(row);
    const listing = listings.get(row.id);
    if (!row.isDir || !open.has(row.id) || !Array.isArray(listing)) {
      return;
    }
    for (const file of listing) {
      const path = fullPath(row.path, file.path);
      walk({
        id: rowId(row.root, path),
        root: row.root,
        path,
        label: basename(path),
        isDir: file.is_dir,
        level: row.level + 1,
        file: { ...file, path },
        parentId: row.id
      });
    }
  };
  for (const root of roots) {
    walk({
      id: rowId(root, ''),
      root,
      path: '',
      label: root.label,
      isDir: true,
      level: 1,
      file: null,
      parentId: null
    });
  }
  return rows;
}

/** What a key does on row `index`: focus another row, open or close it, or choose it. */
export type TreeAction =
  | { kind: 'focus'; index: number }
  | { kind: 'open' | 'close' | 'activate' }
  | null;

export function treeKeyAction(
  rows: ITreeRow[],
  index: number,
  key: string,
  isOpen: (row: ITreeRow) => boolean
): TreeAction {
  const row = rows[index];
  if (!row) {
    return null;
  }
  switch (key) {
    case 'ArrowDown':
      return index + 1 < rows.length
        ? { kind: 'focus', index: index + 1 }
        : null;
    case 'ArrowUp':
      return index > 0 ? { kind: 'focus', index: index - 1 } : null;
    case 'Home':
      return { kind: 'focus', index: 0 };
    case 'End':
      return { kind: 'focus', index: rows.length - 1 };
    case 'ArrowRight':
      if (!row.isDir) {
        return null;
      }
      if (!isOpen(row)) {
        return { kind: 'open' };
      }
      return rows[index + 1]?.parentId === row.id
        ? { kind: 'focus', index: index + 1 }
        : null;
    case 'ArrowLeft': {
      if (row.isDir && isOpen(row)) {
        return { kind: 'close' };
      }
      const parent = rows.findIndex(r => r.id === row.parentId);
      return parent >= 0 ? { kind: 'focus', index: parent } : null;
    }
    case 'Enter':
    case ' ':
      return { kind: 'activate' };
    default:
      return null;
  }
}
