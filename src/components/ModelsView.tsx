/**
 * The model registry: registered models (search, latest version, aliases, tags) and a
 * model's page with its versions, whose aliases, tags, stage and description are edited
 * in place.
 */
import { InputDialog, showErrorMessage } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  closeIcon,
  editIcon,
  refreshIcon
} from '@jupyterlab/ui-components';
import React, { useCallback, useEffect, useMemo, useState } from 'react';

import {
  IModelVersion,
  IRegisteredModel,
  MODEL_STAGES,
  ModelStage,
  TrackerAPI
} from '../api';
import { formatDateTime, formatRelativeTime } from '../format';
import { idParts, idPartText } from '../runIdentity';
import { CopyRunIdButton, RunIdPart } from './RunId';

export interface IModelsViewProps {
  api: TrackerAPI;
  trans: TranslationBundle;
  /** Opens a version's source run on the Experiments tab. */
  onOpenRun(runId: string): void;
  /** A model (and version) to open, from a link; a new object each time it is asked. */
  focus?: { modelName?: string; version?: string } | null;
}

export function ModelsView(props: IModelsViewProps): JSX.Element {
  const [openModel, setOpenModel] = useState<string | null>(null);
  const { focus } = props;
  useEffect(() => {
    if (focus?.modelName) {
      setOpenModel(focus.modelName);
    }
  }, [focus]);
  return openModel ? (
    <ModelPage
      {...props}
      name={openModel}
      highlightVersion={
        focus?.modelName === openModel ? focus.version : undefined
      }
      onBack={() => setOpenModel(null)}
    />
  ) : (
    <ModelList {...props} onOpenModel={setOpenModel} />
  );
}

/** A removable chip: a tag `key: value` or an alias `@name`. */
function Chip(props: {
  label: string;
  className: string;
  removeLabel: string;
  onRemove(): void;
}): JSX.Element {
  return (
    <span className={'jp-tracker-tag ' + props.className}>
      <span>{props.label}</span>
      <button
        className="jp-tracker-icon-button"
        title={props.removeLabel}
        aria-label={props.removeLabel}
        onClick={props.onRemove}
      >
        <closeIcon.react tag="span" />
      </button>
    </span>
  );
}

function AddButton(props: { label: string; onClick(): void }): JSX.Element {
  return (
    <button
      className="jp-tracker-icon-button"
      title={props.label}
      aria-label={props.label}
      onClick={props.onClick}
    >
      <addIcon.react tag="span" />
    </button>
  );
}

function RefreshButton(props: {
  label: string;
  trans: TranslationBundle;
  onClick(): void;
}): JSX.Element {
  return (
    <button
      className="jp-tracker-icon-button"
      title={props.trans.__('Refresh')}
      aria-label={props.label}
      onClick={props.onClick}
    >
      <refreshIcon.react tag="span" />
    </button>
  );
}

function ErrorLine({ error }: { error: string | null }): JSX.Element | null {
  return error ? (
    <p className="jp-tracker-error" role="alert">
      {error}
    </p>
  ) : null;
}

function AliasBadges({ aliases }: { aliases: string[] }): JSX.Element {
  return (
    <>
      {aliases.map(alias => (
        <span key={alias} className="jp-tracker-alias">
          @{alias}
        </span>
      ))}
    </>
  );
}

function ModelList(
  props: IModelsViewProps & { onOpenModel(name: string): void }
): JSX.Element {
  const { api, trans } = props;
  const [search, setSearch] = useState('');
  const [models, setModels] = useState<IRegisteredModel[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const term = search.trim().replace(/'/g, "\\'");
    try {
      setModels(
        await api.registeredModels(term ? `name ILIKE '%${term}%'` : '')
      );
      setError(null);
    } catch (e) {
      setError(String((e as Error).message ?? e));
    }
  }, [api, search]);

  useEffect(() => {
    void load();
  }, [load]);

  const now = Date.now();
  return (
    <section className="jp-tracker-models" aria-label={trans.__('Models')}>
      <header className="jp-tracker-runs-header">
        <h2 className="jp-tracker-runs-title">
          {trans.__('Registered models')}
        </h2>
        <span className="jp-tracker-spacer" />
        <input
          className="jp-tracker-input jp-tracker-models-search"
          type="search"
          placeholder={trans.__('Search models…')}
          aria-label={trans.__('Search models')}
          value={search}
          onChange={e => setSearch(e.target.value)}
        />
        <RefreshButton
          label={trans.__('Refresh models')}
          trans={trans}
          onClick={() => void load()}
        />
      </header>
      <ErrorLine error={error} />
      <table className="jp-tracker-grid-table jp-tracker-models-table">
        <thead>
          <tr>
            <th>{trans.__('Name')}</th>
            <th>{trans.__('Latest version')}</th>
            <th>{trans.__('Aliases')}</th>
            <th>{trans.__('Last modified')}</th>
            <th>{trans.__('Tags')}</th>
          </tr>
        </thead>
        <tbody>
          {(models ?? []).map(model => (
            <tr key={model.name} data-model={model.name}>
              <td>
                <button
                  className="jp-tracker-link"
                  onClick={() => props.onOpenModel(model.name)}
                >
                  {model.name}
                </button>
              </td>
              <td>
                {model.latest_versions.length
                  ? trans.__(
                      'Version %1',
                      Math.max(
                        ...model.latest_versions.map(v => Number(v.version))
                      )
                    )
                  : '—'}
              </td>
              <td>
                <AliasBadges aliases={Object.keys(model.aliases)} />
              </td>
              <td title={formatDateTime(model.last_updated_timestamp)}>
                {formatRelativeTime(model.last_updated_timestamp, now)}
              </td>
              <td className="jp-tracker-muted">
                {Object.entries(model.tags)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {models && models.length === 0 && (
        <p className="jp-tracker-muted jp-tracker-empty">
          {search
            ? trans.__('No model matches "%1".', search)
            : trans.__(
                "No registered models yet: register one from a run's Artifacts tab or with jt.register_model()."
              )}
        </p>
      )}
    </section>
  );
}

function ModelPage(
  props: IModelsViewProps & {
    name: string;
    highlightVersion?: string;
    onBack(): void;
  }
): JSX.Element {
  const { api, trans, name } = props;
  const [model, setModel] = useState<IRegisteredModel | null>(null);
  const [versions, setVersions] = useState<IModelVersion[]>([]);
  const [archiveExisting, setArchiveExisting] = useState(true);
  const [error, setError] = useState<string | null>(null);
  /** The names of the versions' source runs, by run id. */
  const [runNames, setRunNames] = useState<Map<string, string>>(new Map());

  const load = useCallback(async () => {
    try {
      const [loaded, all] = await Promise.all([
        api.registeredModel(name),
        api.modelVersions(name)
      ]);
      setModel(loaded);
      setVersions(all);
      setError(null);
      const runs = await api
        .runsByIds(all.flatMap(v => (v.run_id ? [v.run_id] : [])))
        .catch(() => []); // The ids still show.
      setRunNames(new Map(runs.map(r => [r.info.run_id, r.info.run_name])));
    } catch (e) {
      setError(String((e as Error).message ?? e));
    }
  }, [api, name]);
  const idPartOf = useMemo(
    () => idParts(versions.flatMap(v => (v.run_id ? [v.run_id] : []))),
    [versions]
  );

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (e) {
      await showErrorMessage(trans.__('Model registry'), e as Error);
    }
    await load();
  };

  const addAlias = async (version: IModelVersion) => {
    const result = await InputDialog.getText({
      title: trans.__('Alias for version %1', version.version),
      label: trans.__('Alias (e.g. champion); it moves from any other version'),
      okLabel: trans.__('Set alias')
    });
    const alias = result.value?.trim().replace(/^@/, '');
    if (result.button.accept && alias) {
      await act(() => api.setModelAlias(name, alias, version.version));
    }
  };

  const addTag = async (version: IModelVersion) => {
    const result = await InputDialog.getText({
      title: trans.__('Tag version %1', version.version),
      label: trans.__('key=value'),
      okLabel: trans.__('Add tag')
    });
    const text = result.value ?? '';
    const split = text.indexOf('=');
    const key = (split < 0 ? text : text.slice(0, split)).trim();
    if (result.button.accept && key) {
      await act(() =>
        api.setModelVersionTag(
          name,
          version.version,
          key,
          split < 0 ? '' : text.slice(split + 1).trim()
        )
      );
    }
  };

  const editDescription = async (version: IModelVersion) => {
    const result = await InputDialog.getText({
      title: trans.__('Description of version %1', version.version),
      text: version.description,
      okLabel: trans.__('Save')
    });
    if (result.button.accept && result.value !== null) {
      await act(() =>
        api.setModelVersionDescription(name, version.version, result.value!)
      );
    }
  };

  return (
    <section className="jp-tracker-model-page" data-model={name}>
      <header className="jp-tracker-run-header">
        <button className="jp-tracker-button" onClick={props.onBack}>
          ← {trans.__('Models')}
        </button>
        <h2 className="jp-tracker-run-title">{name}</h2>
        <AliasBadges aliases={Object.keys(model?.aliases ?? {})} />
        <span className="jp-tracker-spacer" />
        <RefreshButton
          label={trans.__('Refresh model')}
          trans={trans}
          onClick={() => void load()}
        />
      </header>
      <ErrorLine error={error} />
      {model &&
        props.highlightVersion &&
        !versions.some(v => v.version === props.highlightVersion) && (
          <p className="jp-tracker-error" role="alert">
            {trans.__('"%1" has no version %2.', name, props.highlightVersion)}
          </p>
        )}
      {model?.description && <p>{model.description}</p>}
      <label className="jp-tracker-compare-control jp-tracker-archive-existing">
        <input
          type="checkbox"
          checked={archiveExisting}
          onChange={e => setArchiveExisting(e.target.checked)}
        />
        {trans.__(
          'Archive existing versions when moving a version to Staging or Production'
        )}
      </label>
      <table className="jp-tracker-grid-table jp-tracker-versions-table">
        <thead>
          <tr>
            <th>{trans.__('Version')}</th>
            <th>{trans.__('Registered at')}</th>
            <th>{trans.__('Source run')}</th>
            <th>{trans.__('Stage')}</th>
            <th>{trans.__('Aliases')}</th>
            <th>{trans.__('Tags')}</th>
            <th>{trans.__('Description')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map(version => (
            <tr
              key={version.version}
              data-version={version.version}
              className={
                version.version === props.highlightVersion
                  ? 'jp-tracker-version-highlight'
                  : undefined
              }
              ref={
                version.version === props.highlightVersion
                  ? row => row?.scrollIntoView({ block: 'nearest' })
                  : undefined
              }
              aria-current={
                version.version === props.highlightVersion ? 'true' : undefined
              }
            >
              <td>{trans.__('Version %1', version.version)}</td>
              <td>{formatDateTime(version.creation_timestamp)}</td>
              <td>
                {version.run_id ? (
                  <span className="jp-tracker-source-run-cell">
                    <button
                      className="jp-tracker-link jp-tracker-source-run"
                      title={version.source}
                      onClick={() => props.onOpenRun(version.run_id!)}
                    >
                      {runNames.get(version.run_id) ||
                        idPartText(
                          version.run_id,
                          idPartOf.get(version.run_id)!
                        )}
                    </button>
                    {runNames.get(version.run_id) ? (
                      <RunIdPart
                        runId={version.run_id}
                        part={idPartOf.get(version.run_id)!}
                        trans={trans}
                      />
                    ) : (
                      <CopyRunIdButton runId={version.run_id} trans={trans} />
                    )}
                  </span>
                ) : (
                  <span className="jp-tracker-muted">{version.source}</span>
                )}
              </td>
              <td>
                <select
                  className="jp-tracker-select"
                  aria-label={trans.__('Stage of version %1', version.version)}
                  value={version.current_stage}
                  onChange={e =>
                    void act(() =>
                      api.setModelVersionStage(
                        name,
                        version.version,
                        e.target.value as ModelStage,
                        archiveExisting
                      )
                    )
                  }
                >
                  {MODEL_STAGES.map(stage => (
                    <option key={stage} value={stage}>
                      {stage}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <span className="jp-tracker-chips">
                  {version.aliases.map(alias => (
                    <Chip
                      key={alias}
                      label={`@${alias}`}
                      className="jp-tracker-alias-chip"
                      removeLabel={trans.__('Remove alias %1', alias)}
                      onRemove={() =>
                        void act(() => api.deleteModelAlias(name, alias))
                      }
                    />
                  ))}
                  <AddButton
                    label={trans.__('Add alias to version %1', version.version)}
                    onClick={() => void addAlias(version)}
                  />
                </span>
              </td>
              <td>
                <span className="jp-tracker-chips">
                  {Object.entries(version.tags).map(([key, value]) => (
                    <Chip
                      key={key}
                      label={value ? `${key}: ${value}` : key}
                      className=""
                      removeLabel={trans.__('Remove tag %1', key)}
                      onRemove={() =>
                        void act(() =>
                          api.deleteModelVersionTag(name, version.version, key)
                        )
                      }
                    />
                  ))}
                  <AddButton
                    label={trans.__('Add tag to version %1', version.version)}
                    onClick={() => void addTag(version)}
                  />
                </span>
              </td>
              <td>
                <span className="jp-tracker-chips">
                  <span className="jp-tracker-version-description">
                    {version.description || (
                      <span className="jp-tracker-muted">—</span>
                    )}
                  </span>
                  <button
                    className="jp-tracker-icon-button"
                    title={trans.__('Edit description')}
                    aria-label={trans.__(
                      'Edit description of version %1',
                      version.version
                    )}
                    onClick={() => void editDescription(version)}
                  >
                    <editIcon.react tag="span" />
                  </button>
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
