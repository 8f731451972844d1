import { TranslationBundle } from '@jupyterlab/translation';
import { caretDownIcon } from '@jupyterlab/ui-components';
import React, { useCallback, useRef, useState } from 'react';

import { IRunKeys } from '../api';
import { ATTRIBUTE_COLUMNS, dataColumn, IColumn } from '../columns';
import { Popover } from './Popover';

export interface IColumnPickerProps {
  keys: IRunKeys;
  columns: IColumn[];
  trans: TranslationBundle;
  onChange(columns: IColumn[]): void;
  /** Goes back to the default columns; null while they are shown. */
  onReset: (() => void) | null;
}

/** A dropdown of checkboxes: the fixed columns, then params, metrics and tags in use. */
export function ColumnPicker({
  keys,
  columns,
  trans,
  onChange,
  onReset
}: IColumnPickerProps): JSX.Element {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const container = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);

  const chosen = new Set(columns.map(c => c.id));
  const toggle = (column: IColumn) =>
    onChange(
      chosen.has(column.id)
        ? columns.filter(c => c.id !== column.id)
        : [...columns, column]
    );
  const needle = query.toLowerCase();
  const groups: [string, IColumn[]][] = [
    [trans.__('Attributes'), ATTRIBUTE_COLUMNS],
    [trans.__('Metrics'), keys.metrics.map(k => dataColumn('metric', k))],
    [trans.__('Parameters'), keys.params.map(k => dataColumn('param', k))],
    [trans.__('Tags'), keys.tags.map(k => dataColumn('tag', k))]
  ];

  return (
    <div className="jp-tracker-column-picker" ref={container}>
      <button
        className="jp-tracker-button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {trans.__('Columns')} <caretDownIcon.react tag="span" />
      </button>
      <Popover
        open={open}
        container={container}
        label={trans.__('Columns')}
        onClose={close}
      >
        <input
          className="jp-tracker-input"
          type="search"
          placeholder={trans.__('Find a column')}
          value={query}
          autoFocus
          onChange={e => setQuery(e.target.value)}
        />
        {onReset && (
          <button
            className="jp-tracker-button jp-tracker-columns-reset"
            onClick={onReset}
          >
            {trans.__('Default columns')}
          </button>
        )}
        {groups.map(([title, options]) => {
          const shown = options.filter(o =>
            o.label.toLowerCase().includes(needle)
          );
          return shown.length === 0 ? null : (
            <fieldset key={title}>
              <legend>{title}</legend>
              {shown.map(option => (
                <label key={option.id}>
                  <input
                    type="checkbox"
                    checked={chosen.has(option.id)}
                    onChange={() => toggle(option)}
                  />
                  {option.kind === 'attribute'
                    ? trans.__(option.label)
                    : option.label}
                </label>
              ))}
            </fieldset>
          );
        })}
      </Popover>
    </div>
  );
}
