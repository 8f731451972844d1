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
import React, { useEffect, useState } from 'react';

import {
  ArtifactOwner,
  IFileInfo,
  ILoggedModel,
  IRun,
  TrackerAPI
} from '../api';
import { RegisterModelButton } from './RegisterModel';
import { MimeView } from './VegaView';
import { formatBytes } from '../format';

const PREVIEW_BYTES = 1024 * 1024;
const CSV_ROWS = 200;
const IMAGE = /\.(png|jpe?g|gif|svg|webp|bmp)$/i;
const SVG = /\.svg$/i;
const TEXT =
  /\.(txt|log|py|md|json|ya?ml|csv|tsv|html?|ipynb|toml|cfg|ini)$|(^|\/)MLmodel$|requirements\.txt$/i;

/** A place files live: the run itself, or one of its logged models. */
interface IRoot {
  owner: ArtifactOwner;
  id: string;
  label: string;
  model?: ILoggedModel;
}

interface ISelection {
  root: IRoot;
  file: IFileInfo;
}

export interface IArtifactsTabProps {
  api: TrackerAPI;
  run: IRun;
  rendermime: IRenderMimeRegistry | null;
  trans: TranslationBundle;
  /** Opens a registered version's page (the link of Register Model's confirmation). */
  onOpenModelVersion(modelName: string, version: string): void;
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
  const [models, setModels] = useState<ILoggedModel[]>([]);
  const [selection, setSelection] = useState<ISelection | null>(null);
  useEffect(() => {
    api.loggedModelsOfRun(run.info.run_id).then(setModels, () => setModels([]));
  }, [api, run.info.run_id]);

  const roots: IRoot[] = [
    { owner: 'runs', id: run.info.run_id, label: trans.__('Run files') },
    ...models.map(model => ({
      owner: 'logged-models' as const,
      id: model.model_id,
      label: trans.__('Model: %1', model.name),
      model
    }))
  ];

  return (
    <div className="jp-tracker-artifacts">
      <div
        className="jp-tracker-artifact-tree"
        role="tree"
        aria-label={trans.__('Artifacts')}
      >
        {roots.map(root => (
          <ArtifactDir
            key={root.owner + root.id}
            api={api}
            root={root}
            path=""
            label={root.label}
            depth={0}
            selection={selection}
            onSelect={setSelection}
            trans={trans}
          />
        ))}
      </div>
      <div className="jp-tracker-artifact-preview">
        {selection ? (
          <Preview {...props} selection={selection} />
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

function ArtifactDir(props: {
  api: TrackerAPI;
  root: IRoot;
  path: string;
  label: string;
  depth: number;
  selection: ISelection | null;
  onSelect(selection: ISelection): void;
  trans: TranslationBundle;
}): JSX.Element {
  const { api, root, path, depth } = props;
  const [open, setOpen] = useState(depth === 0);
  const [files, setFiles] = useState<IFileInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (open && files === null) {
      api.listArtifacts(root.owner, root.id, path).then(
        listed => setFiles(listed),
        e => setError(String(e.message ?? e))
      );
    }
  }, [open, files, api, root, path]);

  const Caret = open ? caretDownIcon : caretRightIcon;
  return (
    <div role="group">
      <div
        role="treeitem"
        aria-expanded={open}
        tabIndex={0}
        className="jp-tracker-tree-item jp-mod-dir"
        style={{ paddingLeft: 4 + depth * 14 }}
        onClick={() => setOpen(!open)}
        onKeyDown={e => (e.key === 'Enter' || e.key === ' ') && setOpen(!open)}
      >
        <Caret.react tag="span" />
        <folderIcon.react tag="span" />
        <span className="jp-tracker-tree-label">{props.label}</span>
      </div>
      {open && error && <div className="jp-tracker-error">{error}</div>}
      {open &&
        files?.map(file => {
          // Servers answer full relative paths or basenames: make both full.
          const full =
            file.path.includes('/') || !path
              ? file.path
              : `${path}/${file.path}`;
          const entry = { ...file, path: full };
          return file.is_dir ? (
            <ArtifactDir
              key={full}
              {...props}
              path={full}
              label={basename(full)}
              depth={depth + 1}
            />
          ) : (
            <div
              key={full}
              role="treeitem"
              tabIndex={0}
              aria-selected={
                props.selection?.root === root &&
                props.selection.file.path === full
              }
              className={
                'jp-tracker-tree-item' +
                (props.selection?.root === root &&
                props.selection.file.path === full
                  ? ' jp-mod-selected'
                  : '')
              }
              style={{ paddingLeft: 4 + (depth + 1) * 14 + 16 }}
              onClick={() => props.onSelect({ root, file: entry })}
              onKeyDown={e =>
                e.key === 'Enter' && props.onSelect({ root, file: entry })
              }
            >
              <fileIcon.react tag="span" />
              <span className="jp-tracker-tree-label">{basename(full)}</span>
              <span className="jp-tracker-muted jp-tracker-tree-size">
                {formatBytes(file.file_size)}
              </span>
            </div>
          );
        })}
      {open && files?.length === 0 && (
        <div
          className="jp-tracker-muted"
          style={{ paddingLeft: 20 + depth * 14 }}
        >
          {props.trans.__('(empty)')}
        </div>
      )}
    </div>
  );
}

type PreviewContent =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'image'; url: string }
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'none' };

function Preview(
  props: IArtifactsTabProps & { selection: ISelection }
): JSX.Element {
  const { api, trans, rendermime, selection } = props;
  const { root, file } = selection;
  const [content, setContent] = useState<PreviewContent>({ kind: 'loading' });

  useEffect(() => {
    let url: string | null = null;
    let cancelled = false;
    setContent({ kind: 'loading' });
    const load = async () => {
      if (IMAGE.test(file.path)) {
        const blob = await api.artifactBlob(root.owner, root.id, file.path);
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
        const blob = await api.artifactBlob(
          root.owner,
          root.id,
          file.path,
          PREVIEW_BYTES
        );
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
  }, [api, root, file.path]);

  const download = async () => {
    const blob = await api.artifactBlob(root.owner, root.id, file.path);
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
