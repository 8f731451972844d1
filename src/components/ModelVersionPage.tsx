/**
 * One registered model version, as MLflow's version page shows it: status, stage,
 * aliases and tags (edited in place), description (plain text), the source run by name
 * with its latest metrics and params, the signature and input example from its MLmodel,
 * and how to load and serve it. Everything shown came from some client: text only.
 */
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import { editIcon } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { IModelVersionDetails, IRun, MODEL_STAGES, ModelStage } from '../api';
import { formatDateTime, formatMetric } from '../format';
import { ModelsModel } from '../model/ModelsModel';
import {
  IDiffRow,
  IInputExample,
  ISignature,
  SIGNATURE_PARTS,
  fieldText,
  versionSnippets
} from '../registry';
import { idParts } from '../runIdentity';
import { RESERVED_TAG_PREFIX } from '../tags';
import { AliasBadges, Chip, ErrorLine, RefreshButton } from './RegistryParts';
import { CopyRunIdButton, RunIdPart } from './RunId';
import { DetailsList } from './runPage/Overview';
import { TagEditor } from './runPage/TagEditor';
import { SnippetCell } from './Snippet';

/** The tracking URI of this lab (what `mlflow` and `jt` outside it point at). */
export function trackingUri(): string {
  return URLExt.join(PageConfig.getBaseUrl(), 'tracker');
}

export interface IModelVersionPageProps {
  model: ModelsModel;
  details: IModelVersionDetails;
  trans: TranslationBundle;
  onOpenRun(runId: string): void;
  /** Back to the model's page. */
  onBack(): void;
}

/** A run's name as a link to its run page; without a name, the part of its id. */
export function SourceRunLink(props: {
  runId: string;
  run: IRun | null;
  trans: TranslationBundle;
  onOpenRun(runId: string): void;
}): JSX.Element {
  const { runId, run, trans } = props;
  const part = idParts([runId]).get(runId)!;
  if (!run) {
    // Not a run of this tracker (or deleted for good): its id, to copy.
    return (
      <span className="jp-tracker-muted">
        <RunIdPart runId={runId} part={part} trans={trans} />
      </span>
    );
  }
  return (
    <span className="jp-tracker-source-run-cell">
      <button
        className="jp-tracker-link jp-tracker-source-run"
        title={trans.__('Open run %1', runId)}
        onClick={() => props.onOpenRun(runId)}
      >
        {run.info.run_name || part}
      </button>
      <CopyRunIdButton runId={runId} trans={trans} />
    </span>
  );
}

/** Rows of values with a column per side; rows whose sides differ are marked. */
export function ValuesTable(props: {
  rows: IDiffRow[] | [string, string][];
  headers?: string[];
  trans: TranslationBundle;
  className?: string;
}): JSX.Element {
  const rows: { key: string; values: (string | null)[]; differs: boolean }[] =
    props.rows.map(row =>
      Array.isArray(row)
        ? { key: row[0], values: [row[1]], differs: false }
        : row
    );
  if (!rows.length) {
    return <p className="jp-tracker-muted">{props.trans.__('None')}</p>;
  }
  return (
    <table
      className={'jp-tracker-kv-table ' + (props.className ?? '')}
      data-rows={rows.length}
    >
      {props.headers && (
        <thead>
          <tr>
            <th />
            {props.headers.map(h => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
      )}
      <tbody>
        {rows.map(row => (
          <tr
            key={row.key}
            data-key={row.key}
            className={row.differs ? 'jp-mod-differs' : undefined}
          >
            <th scope="row" title={row.key}>
              {row.key}
            </th>
            {row.values.map((value, i) => (
              <td key={i} title={value ?? ''}>
                {value ?? '—'}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The run's latest metrics, formatted, by key. */
export function runMetrics(run: IRun | null): Record<string, string> {
  const metrics: Record<string, string> = {};
  for (const m of Object.values(run?.data.metrics ?? {})) {
    metrics[m.key] = formatMetric(m.value);
  }
  return metrics;
}

export function SignatureTables(props: {
  signature: ISignature | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { signature, trans } = props;
  if (!signature) {
    return (
      <p className="jp-tracker-muted">
        {trans.__('The model has no signature.')}
      </p>
    );
  }
  const titles = {
    inputs: trans.__('Inputs'),
    outputs: trans.__('Outputs'),
    params: trans.__('Params')
  };
  return (
    <div className="jp-tracker-signature">
      {SIGNATURE_PARTS.filter(part => signature[part]).map(part => (
        <section key={part} data-part={part}>
          <h4>{titles[part]}</h4>
          <table className="jp-tracker-grid-table jp-tracker-signature-table">
            <thead>
              <tr>
                <th>{trans.__('Name')}</th>
                <th>{trans.__('Type')}</th>
              </tr>
            </thead>
            <tbody>
              {signature[part]!.map((field, i) => (
                <tr key={i}>
                  <td>
                    {field.name ?? (
                      <span className="jp-tracker-muted">{`#${i + 1}`}</span>
                    )}
                  </td>
                  <td>
                    <code>{fieldText(field)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}

function InputExample(props: {
  example: IInputExample | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { example, trans } = props;
  if (!example) {
    return (
      <p className="jp-tracker-muted">
        {trans.__('The model has no input example.')}
      </p>
    );
  }
  if (example.rows) {
    const width = Math.max(
      example.columns?.length ?? 0,
      ...example.rows.map(r => r.length)
    );
    const columns =
      example.columns ?? Array.from({ length: width }, (_, i) => String(i));
    return (
      <div className="jp-tracker-input-example">
        <div className="jp-tracker-example-scroll">
          <table className="jp-tracker-grid-table jp-tracker-example-table">
            <thead>
              <tr>
                {columns.map((c, i) => (
                  <th key={i}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {example.rows.map((row, i) => (
                <tr key={i}>
                  {row.map((cell, j) => (
                    <td key={j}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {((example.total_rows ?? 0) > example.rows.length ||
          (example.total_columns ?? 0) > columns.length) && (
          <p className="jp-tracker-muted">
            {trans.__(
              'The first %1 of %2 rows and %3 of %4 columns.',
              example.rows.length,
              example.total_rows ?? example.rows.length,
              columns.length,
              example.total_columns ?? columns.length
            )}
          </p>
        )}
      </div>
    );
  }
  return (
    <div className="jp-tracker-input-example">
      <pre className="jp-tracker-preview-text">{example.text ?? ''}</pre>
      {example.truncated && (
        <p className="jp-tracker-muted">
          {trans.__(
            'The start of %1 (%2 bytes).',
            example.path,
            example.size.toLocaleString()
          )}
        </p>
      )}
    </div>
  );
}

/** An alias's form: type a name, Add (it moves from any other version). */
function AliasForm(props: {
  trans: TranslationBundle;
  onAdd(alias: string): Promise<void>;
}): JSX.Element {
  const { trans } = props;
  const [alias, setAlias] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = async () => {
    try {
      await props.onAdd(alias.trim().replace(/^@/, ''));
      setAlias('');
      setError(null);
    } catch (e) {
      setError(String((e as Error).message ?? e));
    }
  };
  return (
    <>
      <span className="jp-tracker-tag-form">
        <input
          className="jp-tracker-input"
          placeholder={trans.__('alias, e.g. champion')}
          aria-label={trans.__('New alias')}
          value={alias}
          onChange={e => setAlias(e.target.value)}
          onKeyDown={e => e.key === 'Enter' && alias.trim() && void add()}
        />
        <button
          className="jp-tracker-button"
          disabled={!alias.trim()}
          onClick={() => void add()}
        >
          {trans.__('Add alias')}
        </button>
      </span>
      <ErrorLine error={error} />
    </>
  );
}

function DescriptionEditor(props: {
  text: string;
  trans: TranslationBundle;
  onSave(text: string): Promise<void>;
}): JSX.Element {
  const { trans } = props;
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="jp-tracker-description">
      <h3>
        {trans.__('Description')}
        {draft === null && (
          <button
            className="jp-tracker-icon-button"
            title={trans.__('Edit description')}
            aria-label={trans.__('Edit description')}
            onClick={() => setDraft(props.text)}
          >
            <editIcon.react tag="span" />
          </button>
        )}
      </h3>
      {draft === null ? (
        props.text ? (
          <p className="jp-tracker-version-description">{props.text}</p>
        ) : (
          <p className="jp-tracker-muted">{trans.__('No description.')}</p>
        )
      ) : (
        <div className="jp-tracker-description-editor">
          <textarea
            className="jp-tracker-input"
            rows={4}
            value={draft}
            aria-label={trans.__('Description')}
            onChange={e => setDraft(e.target.value)}
          />
          <div className="jp-tracker-buttons">
            <button
              className="jp-tracker-button"
              onClick={() => setDraft(null)}
            >
              {trans.__('Cancel')}
            </button>
            <button
              className="jp-tracker-button jp-mod-accept"
              onClick={async () => {
                try {
                  await props.onSave(draft);
                  setDraft(null);
                  setError(null);
                } catch (e) {
                  setError(String((e as Error).message ?? e));
                }
              }}
            >
              {trans.__('Save')}
            </button>
          </div>
        </div>
      )}
      <ErrorLine error={error} />
    </section>
  );
}

export function ModelVersionPage(props: IModelVersionPageProps): JSX.Element {
  const { model, details, trans } = props;
  const version = details.model_version;
  const { name } = version;
  const run = details.source_run;
  const [archiveExisting, setArchiveExisting] = useState(true);
  const [stageError, setStageError] = useState<string | null>(null);
  const userTags = Object.entries(run?.data.tags ?? {}).filter(
    ([k]) => !k.startsWith(RESERVED_TAG_PREFIX)
  );
  const rows: [string, React.ReactNode][] = [
    [trans.__('Status'), version.status],
    [
      trans.__('Stage'),
      <span key="stage" className="jp-tracker-chips">
        <select
          className="jp-tracker-select"
          aria-label={trans.__('Stage of version %1', version.version)}
          value={version.current_stage}
          onChange={e =>
            model
              .setStage(
                name,
                version.version,
                e.target.value as ModelStage,
                archiveExisting
              )
              .then(
                () => setStageError(null),
                error => setStageError(String(error.message ?? error))
              )
          }
        >
          {MODEL_STAGES.map(stage => (
            <option key={stage} value={stage}>
              {stage}
            </option>
          ))}
        </select>
        <label className="jp-tracker-compare-control">
          <input
            type="checkbox"
            checked={archiveExisting}
            onChange={e => setArchiveExisting(e.target.checked)}
          />
          {trans.__('Archive the others (Staging, Production)')}
        </label>
      </span>
    ],
    [trans.__('Registered at'), formatDateTime(version.creation_timestamp)],
    [trans.__('Last modified'), formatDateTime(version.last_updated_timestamp)],
    [
      trans.__('Source run'),
      version.run_id ? (
        <SourceRunLink
          key="run"
          runId={version.run_id}
          run={run}
          trans={trans}
          onOpenRun={props.onOpenRun}
        />
      ) : (
        <span className="jp-tracker-muted">—</span>
      )
    ],
    [
      trans.__('Source'),
      <code key="src" className="jp-tracker-version-source">
        {version.source}
      </code>
    ],
    [trans.__('Flavors'), details.model?.flavors.join(', ') ?? '—']
  ];

  return (
    <section
      className="jp-tracker-version-page"
      data-model={name}
      data-version={version.version}
    >
      <header className="jp-tracker-run-header">
        <button className="jp-tracker-button" onClick={props.onBack}>
          ← {name}
        </button>
        <h2 className="jp-tracker-run-title">
          <span className="jp-tracker-version-model-name">{name}</span>{' '}
          <span className="jp-tracker-version-number">
            {trans.__('Version %1', version.version)}
          </span>
        </h2>
        <AliasBadges aliases={version.aliases} />
        <span className="jp-tracker-spacer" />
        <RefreshButton
          label={trans.__('Refresh version')}
          trans={trans}
          onClick={() => void model.reload()}
        />
      </header>
      <ErrorLine error={model.error ?? stageError} />
      <div className="jp-tracker-overview">
        <DetailsList rows={rows} />
        <section className="jp-tracker-version-aliases">
          <h3>{trans.__('Aliases')}</h3>
          <span className="jp-tracker-chips">
            {version.aliases.map(alias => (
              <Chip
                key={alias}
                label={`@${alias}`}
                className="jp-tracker-alias-chip"
                removeLabel={trans.__('Remove alias %1', alias)}
                onRemove={() => void model.deleteAlias(name, alias)}
              />
            ))}
            {!version.aliases.length && (
              <span className="jp-tracker-muted">{trans.__('None')}</span>
            )}
          </span>
          <AliasForm
            trans={trans}
            onAdd={alias => model.setAlias(name, alias, version.version)}
          />
        </section>
        <DescriptionEditor
          key={`${name}/${version.version}`}
          text={version.description}
          trans={trans}
          onSave={text => model.setDescription(name, version.version, text)}
        />
        <TagEditor
          tags={Object.entries(version.tags)}
          trans={trans}
          onSet={(key, value) =>
            model.setVersionTag(name, version.version, key, value)
          }
          onDelete={key => model.deleteVersionTag(name, version.version, key)}
        />
        <section className="jp-tracker-version-model">
          <h3>{trans.__('Signature')}</h3>
          {details.model ? (
            <SignatureTables
              signature={details.model.signature}
              trans={trans}
            />
          ) : (
            <p className="jp-tracker-muted">
              {trans.__(
                'The model files cannot be read: %1',
                details.model_error ?? ''
              )}
            </p>
          )}
          {details.model?.problems.map(problem => (
            <p key={problem} className="jp-tracker-muted">
              {problem}
            </p>
          ))}
          <h3>{trans.__('Input example')}</h3>
          <InputExample
            example={details.model?.input_example ?? null}
            trans={trans}
          />
        </section>
        <div className="jp-tracker-overview-tables">
          <section className="jp-tracker-kv jp-tracker-version-metrics">
            <h3>{trans.__('Metrics of the source run')}</h3>
            <ValuesTable
              rows={Object.entries(runMetrics(run)).sort()}
              trans={trans}
            />
          </section>
          <section className="jp-tracker-kv jp-tracker-version-params">
            <h3>{trans.__('Parameters of the source run')}</h3>
            <ValuesTable
              rows={Object.entries(run?.data.params ?? {}).sort()}
              trans={trans}
            />
          </section>
          {userTags.length > 0 && (
            <section className="jp-tracker-kv">
              <h3>{trans.__('Tags of the source run')}</h3>
              <ValuesTable rows={userTags.sort()} trans={trans} />
            </section>
          )}
        </div>
        <section className="jp-tracker-version-usage">
          <h3>{trans.__('Use this version')}</h3>
          {versionSnippets(
            name,
            version.version,
            version.aliases,
            trackingUri()
          ).map(snippet => (
            <div key={snippet.id} data-snippet={snippet.id}>
              <h4 className="jp-tracker-snippet-label">{snippet.label}</h4>
              <SnippetCell
                code={snippet.code}
                label={snippet.label}
                trans={trans}
              />
            </div>
          ))}
        </section>
      </div>
    </section>
  );
}
