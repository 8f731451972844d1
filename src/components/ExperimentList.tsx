/**
 * The experiments sidebar: search, create, rename, delete, restore, show deleted.
 * Long names such as `Dataset/TaskType/TaskName` wrap at their slashes.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  deleteIcon,
  editIcon,
  LabIcon,
  undoIcon
} from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { IExperiment } from '../api';

export interface IExperimentListProps {
  experiments: IExperiment[];
  /** False while the list has not answered yet: show loading, not "No experiments". */
  loaded: boolean;
  /** Why the list could not be loaded (the server's message, shown as text). */
  error: string | null;
  selected: string[];
  showDeleted: boolean;
  trans: TranslationBundle;
  onSelect(ids: string[]): void;
  onShowDeleted(show: boolean): void;
  onCreate(): void;
  onRename(experiment: IExperiment): void;
  onDelete(experiment: IExperiment): void;
  onRestore(experiment: IExperiment): void;
}

/** `a/b/c` with break opportunities after each slash and muted separators. */
export function ExperimentName({ name }: { name: string }): JSX.Element {
  const parts = name.split('/');
  return (
    <span className="jp-tracker-experiment-name" title={name}>
      {parts.map((part, i) => (
        <React.Fragment key={i}>
          {i > 0 && (
            <>
              <span className="jp-tracker-path-sep">/</span>
              <wbr />
            </>
          )}
          {part}
        </React.Fragment>
      ))}
    </span>
  );
}

/** An icon button on a list item that acts without also selecting the item. */
function ItemAction(props: {
  icon: LabIcon;
  title: string;
  label: string;
  onClick(): void;
}): JSX.Element {
  return (
    <button
      className="jp-tracker-icon-button"
      title={props.title}
      aria-label={props.label}
      onClick={e => {
        e.stopPropagation();
        props.onClick();
      }}
    >
      <props.icon.react tag="span" />
    </button>
  );
}

export function ExperimentList(props: IExperimentListProps): JSX.Element {
  const { experiments, selected, trans } = props;
  const [query, setQuery] = useState('');
  const needle = query.trim().toLowerCase();
  const shown = experiments.filter(
    e =>
      (props.showDeleted || e.lifecycle_stage === 'active') &&
      (!needle || e.name.toLowerCase().includes(needle))
  );

  const select = (
    event: React.MouseEvent | React.KeyboardEvent,
    id: string
  ) => {
    if (event.ctrlKey || event.metaKey) {
      props.onSelect(
        selected.includes(id)
          ? selected.filter(s => s !== id)
          : [...selected, id]
      );
    } else {
      props.onSelect([id]);
    }
  };

  return (
    <nav
      className="jp-tracker-experiments"
      aria-label={trans.__('Experiments')}
    >
      <div className="jp-tracker-experiments-header">
        <h2>{trans.__('Experiments')}</h2>
        <button
          className="jp-tracker-icon-button jp-tracker-create-experiment"
          title={trans.__('Create experiment')}
          aria-label={trans.__('Create experiment')}
          onClick={props.onCreate}
        >
          <addIcon.react tag="span" />
        </button>
      </div>
      <input
        className="jp-tracker-input jp-tracker-experiment-search"
        type="search"
        placeholder={trans.__('Search experiments')}
        aria-label={trans.__('Search experiments')}
        value={query}
        onChange={e => setQuery(e.target.value)}
      />
      <ul
        className="jp-tracker-experiment-items"
        role="listbox"
        aria-label={trans.__('Experiments')}
        aria-multiselectable="true"
      >
        {shown.map(experiment => {
          const id = experiment.experiment_id;
          const deleted = experiment.lifecycle_stage === 'deleted';
          return (
            <li
              key={id}
              role="option"
              tabIndex={0}
              aria-selected={selected.includes(id)}
              data-experiment-id={id}
              className={
                'jp-tracker-experiment-item' +
                (selected.includes(id) ? ' jp-mod-selected' : '') +
                (deleted ? ' jp-mod-deleted' : '')
              }
              onClick={e => select(e, id)}
              onKeyDown={e => {
                const item = e.currentTarget;
                const next =
                  e.key === 'ArrowDown'
                    ? item.nextElementSibling
                    : e.key === 'ArrowUp'
                      ? item.previousElementSibling
                      : null;
                if (e.target !== item) {
                  return; // keys on an item's buttons are theirs
                } else if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  select(e, id);
                } else if (next instanceof HTMLElement && next.tabIndex >= 0) {
                  e.preventDefault();
                  next.focus();
                }
              }}
            >
              <ExperimentName name={experiment.name} />
              <span className="jp-tracker-item-actions">
                {deleted ? (
                  <ItemAction
                    icon={undoIcon}
                    title={trans.__('Restore')}
                    label={trans.__('Restore %1', experiment.name)}
                    onClick={() => props.onRestore(experiment)}
                  />
                ) : (
                  <>
                    <ItemAction
                      icon={editIcon}
                      title={trans.__('Rename')}
                      label={trans.__('Rename %1', experiment.name)}
                      onClick={() => props.onRename(experiment)}
                    />
                    {id !== '0' && (
                      <ItemAction
                        icon={deleteIcon}
                        title={trans.__('Delete')}
                        label={trans.__('Delete %1', experiment.name)}
                        onClick={() => props.onDelete(experiment)}
                      />
                    )}
                  </>
                )}
              </span>
            </li>
          );
        })}
        {shown.length === 0 && props.error ? (
          <li className="jp-tracker-error jp-tracker-empty" role="alert">
            {trans.__('Could not load the experiments: %1', props.error)}
          </li>
        ) : shown.length === 0 && !props.loaded ? (
          <li
            className="jp-tracker-muted jp-tracker-empty jp-tracker-loading"
            aria-busy="true"
          >
            {trans.__('Loading experiments…')}
          </li>
        ) : (
          shown.length === 0 && (
            <li className="jp-tracker-muted jp-tracker-empty">
              {trans.__('No experiments')}
            </li>
          )
        )}
      </ul>
      <label className="jp-tracker-show-deleted">
        <input
          type="checkbox"
          checked={props.showDeleted}
          onChange={e => props.onShowDeleted(e.target.checked)}
        />
        {trans.__('Show deleted')}
      </label>
    </nav>
  );
}
