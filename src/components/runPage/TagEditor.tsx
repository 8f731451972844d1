/** A run's own tags (not `mlflow.`): listed, added and removed. */
import { TranslationBundle } from '@jupyterlab/translation';
import { addIcon, closeIcon } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

export function TagEditor(props: {
  tags: [string, string][];
  trans: TranslationBundle;
  onSet(key: string, value: string): Promise<void>;
  onDelete(key: string): Promise<void>;
}): JSX.Element {
  const { trans } = props;
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const attempt = async (action: () => Promise<void>) => {
    try {
      await action();
      setError(null);
      return true;
    } catch (e) {
      setError(String((e as Error).message ?? e));
      return false;
    }
  };
  const add = async () => {
    if (await attempt(() => props.onSet(key.trim(), value))) {
      setKey('');
      setValue('');
    }
  };
  return (
    <section className="jp-tracker-tags">
      <h3>{trans.__('Tags')}</h3>
      <ul className="jp-tracker-tag-list">
        {props.tags.map(([k, v]) => (
          <li key={k} className="jp-tracker-tag">
            <span className="jp-tracker-tag-key">{k}</span>
            <span className="jp-tracker-tag-value">{v}</span>
            <button
              className="jp-tracker-icon-button"
              title={trans.__('Remove tag')}
              aria-label={trans.__('Remove tag %1', k)}
              onClick={() => void attempt(() => props.onDelete(k))}
            >
              <closeIcon.react tag="span" />
            </button>
          </li>
        ))}
      </ul>
      <div className="jp-tracker-tag-form">
        <input
          className="jp-tracker-input"
          placeholder={trans.__('key')}
          aria-label={trans.__('Tag key')}
          value={key}
          onChange={e => setKey(e.target.value)}
        />
        <input
          className="jp-tracker-input"
          placeholder={trans.__('value')}
          aria-label={trans.__('Tag value')}
          value={value}
          onChange={e => setValue(e.target.value)}
          onKeyDown={e => e.key === 'Enter' && key.trim() && void add()}
        />
        <button
          className="jp-tracker-button"
          disabled={!key.trim()}
          onClick={() => void add()}
        >
          <addIcon.react tag="span" /> {trans.__('Add tag')}
        </button>
      </div>
      {error && (
        <p className="jp-tracker-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
