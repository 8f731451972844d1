/**
 * Pure rules of the registry pages: model URIs and the load/serve snippets of a version,
 * the versions of each run (the runs table's Models column), and the differences between
 * two versions (signatures, params, metrics, tags) for the compare view.
 *
 * Names, tags and descriptions are untrusted: snippets put a name only inside a Python
 * string literal or a quoted shell word, and the UI shows them as text.
 */
import { IModelVersion } from './api';
import { pythonString } from './snippets';

/** A version as the runs table and links name it: "churn v3". */
export interface IVersionRef {
  name: string;
  version: string;
}

export function versionLabel(ref: IVersionRef): string {
  return `${ref.name} v${ref.version}`;
}

/** `models:/<name>/<version>` or, with an alias, `models:/<name>@<alias>`. */
export function modelUri(
  name: string,
  version: string,
  alias?: string
): string {
  return alias ? `models:/${name}@${alias}` : `models:/${name}/${version}`;
}

/** A word for a POSIX shell, in single quotes (a quote inside closes, escapes, reopens). */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text)
    ? text
    : `'${text.replace(/'/g, "'\\''")}'`;
}

export interface IVersionSnippet {
  id: 'mlflow' | 'jt' | 'serve';
  label: string;
  code: string;
}

/**
 * How to use a version: load it with mlflow or jt (by version number), serve it with
 * `mlflow models serve` (by its first alias when it has one, as a deployment follows an
 * alias), pointed at this lab's tracking URI.
 */
export function versionSnippets(
  name: string,
  version: string,
  aliases: string[],
  trackingUri: string
): IVersionSnippet[] {
  const pinned = modelUri(name, version);
  const served = modelUri(name, version, aliases[0]);
  return [
    {
      id: 'mlflow',
      label: 'mlflow',
      code: [
        'import mlflow',
        '',
        `model = mlflow.pyfunc.load_model(${pythonString(pinned)})`,
        'model.predict(...)'
      ].join('\n')
    },
    {
      id: 'jt',
      label: 'jupyterlab_tracker',
      code: [
        'import jupyterlab_tracker as jt',
        '',
        `model = jt.load_model(${pythonString(pinned)})`,
        'model.predict(...)'
      ].join('\n')
    },
    {
      id: 'serve',
      label: 'mlflow models serve',
      code: [
        `export MLFLOW_TRACKING_URI=${shellWord(trackingUri)}`,
        'export MLFLOW_TRACKING_TOKEN=<your Jupyter token>',
        `mlflow models serve -m ${shellWord(served)} --port 5001 --env-manager local`
      ].join('\n')
    }
  ];
}

/** The filter of the versions whose source is one of `runIds` (MLflow's `run_id IN`). */
export function runVersionsFilter(runIds: string[]): string {
  return `run_id IN (${runIds.map(id => `'${id.replace(/'/g, "\\'")}'`).join(', ')})`;
}

/** The versions of each run, by name then number: "churn v3, churn v4, fraud v1". */
export function versionsByRun(
  versions: IModelVersion[]
): Map<string, IVersionRef[]> {
  const byRun = new Map<string, IVersionRef[]>();
  for (const v of versions) {
    if (!v.run_id) {
      continue;
    }
    const refs = byRun.get(v.run_id) ?? [];
    refs.push({ name: v.name, version: v.version });
    byRun.set(v.run_id, refs);
  }
  for (const refs of byRun.values()) {
    refs.sort(
      (a, b) =>
        a.name.localeCompare(b.name) || Number(a.version) - Number(b.version)
    );
  }
  return byRun;
}

// ---- what the version page reads (GET api/model-versions/details) ----

export interface ISignatureField {
  name: string | null;
  type: string;
  required: boolean;
  default?: string;
}

export type SignaturePart = 'inputs' | 'outputs' | 'params';
export const SIGNATURE_PARTS: SignaturePart[] = ['inputs', 'outputs', 'params'];

export type ISignature = Record<SignaturePart, ISignatureField[] | null>;

export interface IInputExample {
  path: string;
  size: number;
  truncated: boolean;
  columns?: string[] | null;
  rows?: string[][];
  total_rows?: number;
  total_columns?: number;
  text?: string;
}

export interface IModelFiles {
  flavors: string[];
  signature: ISignature | null;
  input_example: IInputExample | null;
  problems: string[];
}

// ---- comparing two versions ----

export interface IDiffRow {
  key: string;
  values: [string | null, string | null];
  differs: boolean;
}

/** Rows of two key-value maps, by key, each marked when the two sides differ. */
export function diffRows(
  a: Record<string, string>,
  b: Record<string, string>
): IDiffRow[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.map(key => {
    const values: [string | null, string | null] = [
      a[key] ?? null,
      b[key] ?? null
    ];
    return { key, values, differs: values[0] !== values[1] };
  });
}

/** A signature field as one line of text: `double`, `string (optional)`, `0.5` default. */
export function fieldText(field: ISignatureField): string {
  return (
    field.type +
    (field.required ? '' : ' (optional)') +
    (field.default !== undefined ? ` = ${field.default}` : '')
  );
}

/** Fields by name; unnamed fields (a tensor, an output) by position: `#1`, `#2`. */
function fieldMap(fields: ISignatureField[] | null): Record<string, string> {
  const map: Record<string, string> = {};
  (fields ?? []).forEach((field, i) => {
    map[field.name ?? `#${i + 1}`] = fieldText(field);
  });
  return map;
}

/** The two signatures' rows, part by part (`inputs.tenure`, `outputs.#1`). */
export function signatureDiff(
  a: ISignature | null,
  b: ISignature | null
): IDiffRow[] {
  return SIGNATURE_PARTS.flatMap(part =>
    diffRows(fieldMap(a?.[part] ?? null), fieldMap(b?.[part] ?? null)).map(
      row => ({ ...row, key: `${part}.${row.key}` })
    )
  );
}
