/**
 * The runs filter: MLflow's search syntax, key completion, errors shown in place.
 * The filter applies on Enter (or when a completion is picked and Enter is pressed again).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { closeIcon, searchIcon } from '@jupyterlab/ui-components';
import React, { useId, useMemo, useState } from 'react';

import { IRunKeys } from '../api';

const ATTRIBUTES = [
  'run_name',
  'status',
  'user_id',
  'start_time',
  'end_time',
  'run_id'
];
const MAX_SUGGESTIONS = 12;

export interface IFilterBoxProps {
  value: string;
  keys: IRunKeys;
  error: string | null;
  trans: TranslationBundle;
  onApply(filter: string): void;
}

function quoteKey(key: string): string {
  return /^[\w.:/-]+$/.test(key) ? key : '`' + key.replace(/`/g, '``') + '`';
}

/** Every identifier the user may type, e.g. `metrics.acc`, `params.lr`, `attributes.status`. */
function identifiers(keys: IRunKeys): string[] {
  return [
    ...keys.metrics.map(k => `metrics.${quoteKey(k)}`),
    ...keys.params.map(k => `params.${quoteKey(k)}`),
    ...keys.tags.map(k => `tags.${quoteKey(k)}`),
    ...ATTRIBUTES.map(k => `attributes.${k}`)
  ];
}

export function FilterBox({
  value,
  keys,
  error,
  trans,
  onApply
}: IFilterBoxProps): JSX.Element {
  const [draft, setDraft] = useState(value);
  const [cursor, setCursor] = useState(value.length);
  const [highlighted, setHighlighted] = useState(0);
  const [open, setOpen] = useState(false);
  const all = useMemo(() => identifiers(keys), [keys]);
  const id = useId();
  const listId = `${id}-suggestions`;
  const errorId = `${id}-error`;
  const optionId = (i: number) => `${id}-option-${i}`;

  // The word being typed is the text between the last separator and the cursor.
  const before = draft.slice(0, cursor);
  const word = /[^\s()=!<>,]*$/.exec(before)?.[0] ?? '';
  const suggestions =
    open && word.length > 0
      ? all
          .filter(
            id => id.toLowerCase().startsWith(word.toLowerCase()) && id !== word
          )
          .slice(0, MAX_SUGGESTIONS)
      : [];

  const accept = (identifier: string) => {
    const next =
      before.slice(0, before.length - word.length) +
      identifier +
      ' ' +
      draft.slice(cursor);
    setDraft(next);
    setCursor(before.length - word.length + identifier.length + 1);
    setOpen(false);
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (
      suggestions.length &&
      (event.key === 'ArrowDown' || event.key === 'ArrowUp')
    ) {
      const delta = event.key === 'ArrowDown' ? 1 : -1;
      setHighlighted(
        (highlighted + delta + suggestions.length) % suggestions.length
      );
    } else if (
      suggestions.length &&
      (event.key === 'Tab' || event.key === 'Enter')
    ) {
      accept(suggestions[Math.min(highlighted, suggestions.length - 1)]);
    } else if (event.key === 'Enter') {
      onApply(draft.trim());
    } else if (event.key === 'Escape') {
      setOpen(false);
    } else {
      return;
    }
    event.preventDefault();
  };

  return (
    <div
      className={'jp-tracker-filter' + (error ? ' jp-mod-error' : '')}
      role="search"
      aria-label={trans.__('Run filter')}
    >
      <div className="jp-tracker-filter-row">
        <searchIcon.react tag="span" className="jp-tracker-filter-icon" />
        <input
          className="jp-tracker-input jp-tracker-filter-input"
          placeholder={trans.__(
            "Filter runs, e.g. metrics.acc > 0.9 and params.lr = '0.01'"
          )}
          role="combobox"
          aria-label={trans.__('Filter runs')}
          aria-autocomplete="list"
          aria-expanded={suggestions.length > 0}
          aria-controls={listId}
          aria-activedescendant={
            suggestions.length
              ? optionId(Math.min(highlighted, suggestions.length - 1))
              : undefined
          }
          aria-invalid={!!error}
          aria-describedby={error ? errorId : undefined}
          spellCheck={false}
          value={draft}
          onChange={e => {
            setDraft(e.target.value);
            setCursor(e.target.selectionStart ?? e.target.value.length);
            setHighlighted(0);
            setOpen(true);
          }}
          onSelect={e =>
            setCursor((e.target as HTMLInputElement).selectionStart ?? 0)
          }
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
        />
        {draft && (
          <button
            className="jp-tracker-icon-button"
            title={trans.__('Clear filter')}
            aria-label={trans.__('Clear filter')}
            onClick={() => {
              setDraft('');
              onApply('');
            }}
          >
            <closeIcon.react tag="span" />
          </button>
        )}
      </div>
      {suggestions.length > 0 && (
        <ul
          className="jp-tracker-suggestions"
          id={listId}
          role="listbox"
          aria-label={trans.__('Filter keys')}
        >
          {suggestions.map((s, i) => (
            <li
              key={s}
              id={optionId(i)}
              role="option"
              aria-selected={i === highlighted}
              className={i === highlighted ? 'jp-mod-active' : ''}
              onMouseDown={e => {
                e.preventDefault();
                accept(s);
              }}
            >
              {s}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <div className="jp-tracker-filter-error" id={errorId} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
