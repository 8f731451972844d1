/**
 * The run page's Artifacts tab: a tree of the run's files and of its logged models on the
 * left, a preview of the chosen file on the right, download, and Register Model.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  caretRightIcon,
  downloadIcon,
  fileIcon,
  folderIcon
} from '@jupyterlab/ui-components';
import React, { useEffect, useMemo, useRef, useState } from 'react';

import { ILoggedModel, IRun, TrackerAPI } from '../api';
import { ITreeRow, treeKeyAction } from '../artifactTree';
import { ArtifactsModel } from '../model/ArtifactsModel';
import { useModel } from '../model/useModel';
import { RegisterModelButton } from './RegisterModel';
import { MimeView } from './VegaView';
import { formatBytes } from '../format';

const PREVIEW_BYTES = 1024 * 1024;
const CSV_ROWS = 200;
const IMAGE = /\.(png|jpe?g|gif|svg|webp|bmp)$/i;
const SVG = /\.svg$/i;
const TEXT =
  /\.(txt|log|py|md|json|ya?ml|csv|tsv|html?|ipynb|toml|cfg|ini)$|(^|\/)MLmodel$|requirements\.txt$/i;

export interface IArtifactsTabProps {
  api: TrackerAPI;
  run: IRun;
  rendermime: IRenderMimeRegistry | null;
  trans: TranslationBundle;
  /** Opens a registered version's page (the link of Register Model's confirmation). */
  onOpenModelVersion(modelName: string, version: string): void;
}

/** What the preview side needs: the model (file contents) and the chosen file's row. */
interface IPreviewProps extends IArtifactsTabProps {
  model: ArtifactsModel;
}

const basename = (path: string) => path.split('/').pop() ?? path;

/** `blob` as a data: URL of the given type. */
function dataUrl(blob: Blob, type: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(new Blob([blob], { type }));
  });
}

export function ArtifactsTab(props: IArtifactsTabProps): JSX.Element {
  const { api, run, trans } = props;
  const model = useMemo(
    () =>
      new ArtifactsModel({
        api,
        runId: run.info.run_id,
        runLabel: trans.__('Run files')
      }),
    [api, run.info.run_id]
  );
  useEffect(() => {
    void model.load();
    return () => model.dispose();
  }, [model]);
  useModel(model);
  const [selected, setSelected] = useState<ITreeRow | null>(null);
  const models = model.models;

  return (
    <div className="jp-tracker-artifacts">
      <ArtifactTree
        model={model}
        selectedId={selected?.id ?? null}
        onSelect={setSelected}
        trans={trans}
      />
      <div className="jp-tracker-artifact-preview">
        {selected?.file ? (
          <Preview {...props} model={model} row={selected} />
        ) : models.length ? (
          <ModelCard {...props} model={models[0]} />
        ) : (
          <p className="jp-tracker-muted">
            {trans.__('Select a file to preview it.')}
          </p>
        )}
      </div>
    </div>
  );
}

/**
 * The tree of files, as WAI-ARIA's tree: one row in the Tab order, Up and Down move,
 * Right opens a directory (or goes into it), Left closes it (or goes to its parent),
 * Home and End, Enter or Space choose a file or open and close a directory.
 */
function ArtifactTree(props: {
  model: ArtifactsModel;
  selectedId: string | null;
  trans: TranslationBundle;
  onSelect(row: ITreeRow): void;
}): JSX.Element {
  const { model, trans } = props;
  const rows = model.rows;
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const tree = useRef<HTMLDivElement>(null);
  const focusedIndex = Math.max(
    0,
    rows.findIndex(r => r.id === focusedId)
  );
  const activate = (row: ITreeRow) => {
    setFocusedId(row.id);
    if (row.isDir) {
      model.setOpen(row, !model.isOpen(row));
    } else {
      props.onSelect(row);
    }
  };
  const onKeyDown = (event: React.KeyboardEvent, index: number) => {
    const action = treeKeyAction(rows, index, event.key, row =>
      model.isOpen(row)
    );
    if (!action) {
      return;
    }
    event.preventDefault();
    const row = rows[index];
    switch (action.kind) {
      case 'focus':
        setFocusedId(rows[action.index].id);
        tree.current
          ?.querySelectorAll<HTMLElement>('[role="treeitem"]')
          [action.index]?.focus();
        break;
      case 'open':
      case 'close':
        model.setOpen(row, action.kind === 'open');
        break;
      case 'activate':
        activate(row);
        break;
    }
  };

  return (
    <div
      ref={tree}
      className="jp-tracker-artifact-tree"
      role="tree"
      aria-label={trans.__('Artifacts')}
    >
      {rows.map((row, index) => {
        const open = model.isOpen(row);
        const listing = row.isDir && open ? model.listing(row) : undefined;
        const selected = row.id === props.selectedId;
        const Caret = open ? caretDownIcon : caretRightIcon;
        const indent = 4 + (row.level - 1) * 14;
        const label =
          row.level === 1 && row.root.model
            ? trans.__('Model: %1', row.label)
            : row.label;
        return (
          <React.Fragment key={row.id}>
            <div
              role="treeitem"
              aria-level={row.level}
              aria-expanded={row.isDir ? open : undefined}
              aria-selected={row.isDir ? undefined : selected}
              tabIndex={index === focusedIndex ? 0 : -1}
              data-path={row.path}
              className={
                'jp-tracker-tree-item' +
                (row.isDir ? ' jp-mod-dir' : '') +
                (selected ? ' jp-mod-selected' : '')
              }
              style={{ paddingLeft: row.isDir ? indent : indent + 16 }}
              onClick={() => activate(row)}
              onFocus={() => setFocusedId(row.id)}
              onKeyDown={event => onKeyDown(event, index)}
            >
              {row.isDir ? (
                <>
                  <Caret.react tag="span" />
                  <folderIcon.react tag="span" />
                </>
              ) : (
                <fileIcon.react tag="span" />
              )}
              <span className="jp-tracker-tree-label">{label}</span>
              {!row.isDir && (
                <span className="jp-tracker-muted jp-tracker-tree-size">
                  {formatBytes(row.file?.file_size ?? null)}
                </span>
              )}
            </div>
            {listing && !Array.isArray(listing) && (
              <div
                className="jp-tracker-error"
                style={{ paddingLeft: indent + 16 }}
              >
                {listing.error}
              </div>
            )}
            {Array.isArray(listing) && listing.length === 0 && (
              <div
                className="jp-tracker-muted"
                style={{ paddingLeft: indent + 16 }}
              >
                {trans.__('(empty)')}
              </div>
            )}
          </React.Fragment>
        );
      })}
    </div>
  );
}

type PreviewContent =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'image'; url: string }
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'none' };

function Preview(props: IPreviewProps & { row: ITreeRow }): JSX.Element {
  const { model, trans, rendermime, row } = props;
  const { root } = row;
  const file = row.file!;
  const [content, setContent] = useState<PreviewContent>({ kind: 'loading' });

  useEffect(() => {
    let url: string | null = null;
    let cancelled = false;
    setContent({ kind: 'loading' });
    const load = async () => {
      if (IMAGE.test(file.path)) {
        const blob = await model.content(root, file.path);
        if (SVG.test(file.path)) {
          // Shown as an <img> (no scripts), from a data: URL: a blob: URL has
          // JupyterLab's origin, so the SVG opened in a tab of its own ("Open image in
          // new tab") would run its scripts as JupyterLab; a data: URL's is opaque.
          return {
            kind: 'image',
            url: await dataUrl(blob, 'image/svg+xml')
          } as PreviewContent;
        }
        url = URL.createObjectURL(blob);
        return { kind: 'image', url } as PreviewContent;
      }
      if (TEXT.test(file.path)) {
        const blob = await model.content(root, file.path, PREVIEW_BYTES);
        const truncated = (file.file_size ?? 0) > PREVIEW_BYTES;
        return {
          kind: 'text',
          text: await blob.text(),
          truncated
        } as PreviewContent;
      }
      return { kind: 'none' } as PreviewContent;
    };
    load().then(
      result => !cancelled && setContent(result),
      e =>
        !cancelled &&
        setContent({ kind: 'error', message: String(e.message ?? e) })
    );
    return () => {
      cancelled = true;
      if (url) {
        URL.revokeObjectURL(url);
      }
    };
  }, [model, root, file.path]);

  const download = async () => {
    const blob = await model.content(root, file.path);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = basename(file.path);
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };

  return (
    <div className="jp-tracker-preview" data-path={file.path}>
      <header className="jp-tracker-preview-header">
        <code className="jp-tracker-preview-path">{file.path}</code>
        <span className="jp-tracker-muted">{formatBytes(file.file_size)}</span>
        <span className="jp-tracker-spacer" />
        <button className="jp-tracker-button" onClick={() => void download()}>
          <downloadIcon.react tag="span" /> {trans.__('Download')}
        </button>
      </header>
      {root.model && basename(file.path) === 'MLmodel' && (
        <ModelCard {...props} model={root.model} />
      )}
      <PreviewBody
        content={content}
        path={file.path}
        rendermime={rendermime}
        trans={trans}
      />
    </div>
  );
}

function PreviewBody(props: {
  content: PreviewContent;
  path: string;
  rendermime: IRenderMimeRegistry | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { content, path, rendermime, trans } = props;
  switch (content.kind) {
    case 'loading':
      return <p className="jp-tracker-muted">{trans.__('Loading…')}</p>;
    case 'error':
      return <p className="jp-tracker-error">{content.message}</p>;
    case 'none':
      return (
        <p className="jp-tracker-muted">
          {trans.__('No preview for this file type.')}
        </p>
      );
    case 'image':
      return (
        <img
          className="jp-tracker-preview-image"
          src={content.url}
          alt={path}
        />
      );
  }
  const { text, truncated } = content;
  const note = truncated && (
    <p className="jp-tracker-muted">
      {trans.__('Showing the first megabyte.')}
    </p>
  );
  if (/\.md$/i.test(path) && rendermime) {
    return (
      <MimeView
        rendermime={rendermime}
        mimeType="text/markdown"
        data={text}
        className="jp-tracker-markdown"
      />
    );
  }
  if (/\.html?$/i.test(path)) {
    // Sandboxed: no scripts, no same-origin access to JupyterLab.
    return (
      <iframe
        className="jp-tracker-preview-html"
        sandbox=""
        srcDoc={text}
        title={path}
      />
    );
  }
  if (/\.(csv|tsv)$/i.test(path)) {
    return (
      <>
        <CsvTable text={text} separator={/\.tsv$/i.test(path) ? '\t' : ','} />
        {note}
      </>
    );
  }
  let shown = text;
  if (/\.json$/i.test(path) && !truncated) {
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // Not valid JSON: show it as it is.
    }
  }
  return (
    <>
      <pre className="jp-tracker-preview-text">{shown}</pre>
      {note}
    </>
  );
}

/** A simple CSV reader (quoted fields, doubled quotes) for the first rows of a table. */
export function parseCsv(text: string, separator = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length <= CSV_ROWS; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === separator) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') {
        i++;
      }
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function CsvTable({
  text,
  separator
}: {
  text: string;
  separator: string;
}): JSX.Element {
  const [header, ...rows] = parseCsv(text, separator);
  return (
    <div className="jp-tracker-csv">
      <table>
        <thead>
          <tr>
            {header?.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, CSV_ROWS).map((r, i) => (
            <tr key={i}>
              {r.map((v, j) => (
                <td key={j}>{v}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** How to load a logged model, and the Register Model action. */
function ModelCard(
  props: IArtifactsTabProps & { model: ILoggedModel }
): JSX.Element {
  const { model, run, trans } = props;
  const snippet = `import jupyterlab_tracker as jt\n\nmodel = jt.load_model("runs:/${run.info.run_id}/${model.name}")\nmodel.predict(...)`;
  return (
    <section className="jp-tracker-model-card" data-model-id={model.model_id}>
      <header className="jp-tracker-preview-header">
        <h3>
          {trans.__('Logged model')} <code>{model.name}</code>
        </h3>
        <span className="jp-tracker-muted">
          {model.model_type} · {model.status}
        </span>
        <span className="jp-tracker-spacer" />
        <RegisterModelButton
          api={props.api}
          model={model}
          trans={trans}
          onOpenVersion={props.onOpenModelVersion}
        />
      </header>
      <p className="jp-tracker-muted">{trans.__('Load it in a notebook:')}</p>
      <pre className="jp-tracker-preview-text">{snippet}</pre>
    </section>
  );
}
