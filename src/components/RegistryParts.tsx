/** Small pieces the registry pages share: chips, badges, buttons, an error line. */
import { TranslationBundle } from '@jupyterlab/translation';
import { addIcon, closeIcon, refreshIcon } from '@jupyterlab/ui-components';
import React from 'react';

/** A removable chip: a tag `key: value` or an alias `@name`. */
export function Chip(props: {
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

export function AddButton(props: {
  label: string;
  onClick(): void;
}): JSX.Element {
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

export function RefreshButton(props: {
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

export function ErrorLine({
  error
}: {
  error: string | null;
}): JSX.Element | null {
  return error ? (
    <p className="jp-tracker-error" role="alert">
      {error}
    </p>
  ) : null;
}

export function AliasBadges({ aliases }: { aliases: string[] }): JSX.Element {
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
