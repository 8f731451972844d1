/**
 * The runs table's "Group by" control: none, an attribute, a param, a tag, or all params
 * except some (the excepted ones picked in a dropdown of checkboxes). The choice is kept
 * per experiment in the browser, like the column choices.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { caretDownIcon } from '@jupyterlab/ui-components';
import React, { useCallback, useEffect, useRef, useState } from 'react';

import { IRunKeys } from '../api';
import {
  GROUP_ATTRIBUTES,
  GroupBy,
  parseGroupBy,
  parseGroupByChoices
} from '../grouping';
import { Popover } from './Popover';

/** Where the groupings chosen per experiment are kept in the browser, across reloads. */
const GROUP_BY_KEY = 'jupyterlab-tracker:run-group-by';
const EXCEPT = 'params-except';
const ATTRIBUTE_LABELS: Record<(typeof GROUP_ATTRIBUTES)[number], string> = {
  status: 'Status',
  user_id: 'User'
};

function readChoices() {
  try {
    return parseGroupByChoices(window.localStorage.getItem(GROUP_BY_KEY));
  } catch {
    return {}; // Storage refused: the choice lasts until the reload.
  }
}

/** The grouping of the experiments `idsKey`, remembered across reloads. */
export function useStoredGroupBy(
  idsKey: string
): [GroupBy | null, (groupBy: GroupBy | null) => void] {
  const [groupBy, setGroupBy] = useState<GroupBy | null>(
    () => readChoices()[idsKey] ?? null
  );
  useEffect(() => setGroupBy(readChoices()[idsKey] ?? null), [idsKey]);
  const choose = useCallback(
    (next: GroupBy | null) => {
      setGroupBy(next);
      const choices = readChoices();
      if (next) {
        choices[idsKey] = next;
      } else {
        delete choices[idsKey];
      }
      try {
        window.localStorage.setItem(GROUP_BY_KEY, JSON.stringify(choices));
      } catch {
        // Full or refused: the choice still holds in this page.
      }
    },
    [idsKey]
  );
  return [groupBy, choose];
}

const encode = (groupBy: GroupBy | null) =>
  !groupBy
    ? ''
    : groupBy.kind === EXCEPT
      ? EXCEPT
      : JSON.stringify({ kind: groupBy.kind, key: groupBy.key });

export interface IGroupByControlProps {
  keys: IRunKeys;
  groupBy: GroupBy | null;
  trans: TranslationBundle;
  onChange(groupBy: GroupBy | null): void;
}

export function GroupByControl({
  keys,
  groupBy,
  trans,
  onChange
}: IGroupByControlProps): JSX.Element {
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);

  const value = encode(groupBy);
  const option = (next: GroupBy, label: string) => (
    <option key={encode(next)} value={encode(next)}>
      {label}
    </option>
  );
  const except = groupBy?.kind === EXCEPT ? groupBy.except : null;
  return (
    <div className="jp-tracker-group-by" ref={container}>
      <select
        className="jp-tracker-select"
        aria-label={trans.__('Group by')}
        title={trans.__('Group runs by')}
        value={value}
        onChange={e => {
          const v = e.target.value;
          if (!v) {
            onChange(null);
          } else if (v === EXCEPT) {
            onChange({ kind: EXCEPT, except: [] });
            setOpen(true);
          } else {
            onChange(parseGroupBy(JSON.parse(v)));
          }
        }}
      >
        <option value="">{trans.__('No grouping')}</option>
        <optgroup label={trans.__('Attributes')}>
          {GROUP_ATTRIBUTES.map(key =>
            option({ kind: 'attribute', key }, trans.__(ATTRIBUTE_LABELS[key]))
          )}
        </optgroup>
        <option value={EXCEPT}>{trans.__('All params except…')}</option>
        {keys.params.length > 0 && (
          <optgroup label={trans.__('Parameters')}>
            {keys.params.map(key => option({ kind: 'param', key }, key))}
          </optgroup>
        )}
        {keys.tags.length > 0 && (
          <optgroup label={trans.__('Tags')}>
            {keys.tags.map(key => option({ kind: 'tag', key }, key))}
          </optgroup>
        )}
        {/* A stored grouping by a key these runs lack still shows as chosen. */}
        {groupBy &&
          groupBy.kind !== EXCEPT &&
          groupBy.kind !== 'attribute' &&
          !(groupBy.kind === 'param' ? keys.params : keys.tags).includes(
            groupBy.key
          ) &&
          option(groupBy, groupBy.key)}
      </select>
      {except && (
        <button
          className="jp-tracker-button jp-tracker-group-except"
          aria-expanded={open}
          title={trans.__('The params not to group by')}
          onClick={() => setOpen(!open)}
        >
          {except.length
            ? trans.__('except %1', except.join(', '))
            : trans.__('except…')}{' '}
          <caretDownIcon.react tag="span" />
        </button>
      )}
      {except && (
        <Popover
          open={open}
          container={container}
          label={trans.__('Group by all params except')}
          onClose={close}
        >
          <fieldset>
            <legend>{trans.__('Group by all params except')}</legend>
            {keys.params.map(key => (
              <label key={key}>
                <input
                  type="checkbox"
                  checked={except.includes(key)}
                  onChange={() =>
                    onChange({
                      kind: EXCEPT,
                      except: except.includes(key)
                        ? except.filter(k => k !== key)
                        : [...except, key]
                    })
                  }
                />
                {key}
              </label>
            ))}
          </fieldset>
        </Popover>
      )}
    </div>
  );
}
