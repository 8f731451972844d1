/**
 * The model registry: registered models (search, latest version, aliases, tags), a
 * model's page with its versions (aliases, tags, stage and description edited in place,
 * two picked to compare), a version's page and two versions compared. The data and the
 * place shown are the ModelsModel's (src/model/ModelsModel.ts).
 */
import { InputDialog, showErrorMessage } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { editIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useMemo, useState } from 'react';

import { IModelVersion, MODEL_STAGES, ModelStage } from '../api';
import { formatDateTime, formatRelativeTime } from '../format';
import { comparedPair, ModelsModel } from '../model/ModelsModel';
import { useModel } from '../model/useModel';
import { idParts, idPartText } from '../runIdentity';
import { ModelVersionCompare } from './ModelVersionCompare';
import { ModelVersionPage } from './ModelVersionPage';
import {
  AddButton,
  AliasBadges,
  Chip,
  ErrorLine,
  RefreshButton
} from './RegistryParts';
import { CopyRunIdButton, RunIdPart } from './RunId';

export interface IModelsViewProps {
  model: ModelsModel;
  trans: TranslationBundle;
  /** Opens a version's source run on the Experiments tab. */
  onOpenRun(runId: string): void;
  /** A model (and version) to open, from a link; a new object each time it is asked. */
  focus?: { modelName?: string; version?: string } | null;
}

export function ModelsView(props: IModelsViewProps): JSX.Element {
  const { focus, trans } = props;
  const model = useModel(props.model);
  useEffect(() => {
    if (focus?.modelName && focus.version) {
      void model.setPlace({
        view: 'version',
        name: focus.modelName,
        version: focus.version
      });
    } else if (focus?.modelName) {
      void model.setPlace({ view: 'model', name: focus.modelName });
    }
  }, [focus]);
  const place = model.place;
  const toModel = (name: string, highlight?: string) =>
    void model.setPlace({ view: 'model', name, highlight });
  if (place.view === 'list') {
    return <ModelList {...props} />;
  }
  if (place.view === 'model') {
    return (
      <ModelPage
        {...props}
        name={place.name}
        highlightVersion={place.highlight}
      />
    );
  }
  const loaded = model.details;
  if (place.view === 'version' && loaded.length === 1) {
    return (
      <ModelVersionPage
        model={model}
        details={loaded[0]}
        trans={trans}
        onOpenRun={props.onOpenRun}
        onBack={() => toModel(place.name, place.version)}
      />
    );
  }
  if (place.view === 'compare' && loaded.length === 2) {
    return (
      <ModelVersionCompare
        pair={[loaded[0], loaded[1]]}
        error={model.error}
        trans={trans}
        onOpenRun={props.onOpenRun}
        onOpenVersion={version =>
          void model.setPlace({ view: 'version', name: place.name, version })
        }
        onBack={() => toModel(place.name)}
        onReload={() => void model.reload()}
      />
    );
  }
  return (
    <section className="jp-tracker-version-page">
      <header className="jp-tracker-run-header">
        <button
          className="jp-tracker-button"
          onClick={() => toModel(place.name)}
        >
          ← {place.name}
        </button>
      </header>
      {model.error ? (
        <ErrorLine error={model.error} />
      ) : (
        <p className="jp-tracker-muted" aria-busy="true">
          {trans.__('Loading…')}
        </p>
      )}
    </section>
  );
}

function ModelList(props: IModelsViewProps): JSX.Element {
  const { model, trans } = props;
  const { models, error, search } = model;
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
          onChange={e => void model.setSearch(e.target.value)}
        />
        <RefreshButton
          label={trans.__('Refresh models')}
          trans={trans}
          onClick={() => void model.reload()}
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
          {(models ?? []).map(m => (
            <tr key={m.name} data-model={m.name}>
              <td>
                <button
                  className="jp-tracker-link"
                  onClick={() =>
                    void props.model.setPlace({ view: 'model', name: m.name })
                  }
                >
                  {m.name}
                </button>
              </td>
              <td>
                {m.latest_versions.length
                  ? trans.__(
                      'Version %1',
                      Math.max(...m.latest_versions.map(v => Number(v.version)))
                    )
                  : '—'}
              </td>
              <td>
                <AliasBadges aliases={Object.keys(m.aliases)} />
              </td>
              <td title={formatDateTime(m.last_updated_timestamp)}>
                {formatRelativeTime(m.last_updated_timestamp, now)}
              </td>
              <td className="jp-tracker-muted">
                {Object.entries(m.tags)
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
  props: IModelsViewProps & { name: string; highlightVersion?: string }
): JSX.Element {
  const { trans, name } = props;
  const store = props.model;
  const { model, versions, error, runNames } = store;
  const [archiveExisting, setArchiveExisting] = useState(true);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const pair = comparedPair(picked);
  const idPartOf = useMemo(
    () => idParts(versions.flatMap(v => (v.run_id ? [v.run_id] : []))),
    [versions]
  );
  const openVersion = (version: string) =>
    void store.setPlace({ view: 'version', name, version });
  const pick = (version: string, on: boolean) => {
    const next = new Set(picked);
    if (on) {
      next.add(version);
    } else {
      next.delete(version);
    }
    setPicked(next);
  };

  const act = async (action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (e) {
      await showErrorMessage(trans.__('Model registry'), e as Error);
    }
  };

  const addAlias = async (version: IModelVersion) => {
    const result = await InputDialog.getText({
      title: trans.__('Alias for version %1', version.version),
      label: trans.__('Alias (e.g. champion); it moves from any other version'),
      okLabel: trans.__('Set alias')
    });
    const alias = result.value?.trim().replace(/^@/, '');
    if (result.button.accept && alias) {
      await act(() => store.setAlias(name, alias, version.version));
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
        store.setVersionTag(
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
        store.setDescription(name, version.version, result.value!)
      );
    }
  };

  return (
    <section className="jp-tracker-model-page" data-model={name}>
      <header className="jp-tracker-run-header">
        <button
          className="jp-tracker-button"
          onClick={() => void store.setPlace({ view: 'list' })}
        >
          ← {trans.__('Models')}
        </button>
        <h2 className="jp-tracker-run-title">{name}</h2>
        <AliasBadges aliases={Object.keys(model?.aliases ?? {})} />
        <span className="jp-tracker-spacer" />
        <RefreshButton
          label={trans.__('Refresh model')}
          trans={trans}
          onClick={() => void store.reload()}
        />
      </header>
      <ErrorLine error={error} />
      {model?.description && <p>{model.description}</p>}
      <div className="jp-tracker-model-actions">
        <button
          className="jp-tracker-button jp-tracker-compare-versions-button"
          disabled={!pair}
          title={trans.__('Pick two versions to compare them')}
          onClick={() =>
            pair &&
            void store.setPlace({ view: 'compare', name, versions: pair })
          }
        >
          {trans.__('Compare versions (%1)', picked.size)}
        </button>
      </div>
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
            <th>
              <span className="jp-tracker-visually-hidden">
                {trans.__('Compare')}
              </span>
            </th>
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
              <td>
                <input
                  type="checkbox"
                  aria-label={trans.__('Pick version %1', version.version)}
                  checked={picked.has(version.version)}
                  onChange={e => pick(version.version, e.target.checked)}
                />
              </td>
              <td>
                <button
                  className="jp-tracker-link jp-tracker-version-link"
                  onClick={() => openVersion(version.version)}
                >
                  {trans.__('Version %1', version.version)}
                </button>
              </td>
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
                      store.setStage(
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
                        void act(() => store.deleteAlias(name, alias))
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
                          store.deleteVersionTag(name, version.version, key)
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
