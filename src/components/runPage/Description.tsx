/** A run's description: Markdown (rendered untrusted), editable in place. */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import { editIcon } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { MimeView } from '../VegaView';

export function Description(props: {
  text: string;
  rendermime: IRenderMimeRegistry | null;
  trans: TranslationBundle;
  onSave(text: string): Promise<void>;
}): JSX.Element {
  const { text, trans, rendermime } = props;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(text);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    try {
      await props.onSave(draft);
      setEditing(false);
      setError(null);
    } catch (e) {
      setError(String((e as Error).message ?? e));
    }
  };
  return (
    <section className="jp-tracker-description">
      <h3>
        {trans.__('Description')}
        {!editing && (
          <button
            className="jp-tracker-icon-button"
            title={trans.__('Edit description')}
            aria-label={trans.__('Edit description')}
            onClick={() => {
              setDraft(text);
              setEditing(true);
            }}
          >
            <editIcon.react tag="span" />
          </button>
        )}
      </h3>
      {editing ? (
        <div className="jp-tracker-description-editor">
          <textarea
            className="jp-tracker-input"
            rows={6}
            value={draft}
            aria-label={trans.__('Description (Markdown)')}
            onChange={e => setDraft(e.target.value)}
          />
          <div className="jp-tracker-buttons">
            <button
              className="jp-tracker-button"
              onClick={() => setEditing(false)}
            >
              {trans.__('Cancel')}
            </button>
            <button
              className="jp-tracker-button jp-mod-accept"
              onClick={() => void save()}
            >
              {trans.__('Save')}
            </button>
          </div>
          {error && (
            <p className="jp-tracker-error" role="alert">
              {error}
            </p>
          )}
        </div>
      ) : text && rendermime ? (
        <MimeView
          rendermime={rendermime}
          mimeType="text/markdown"
          data={text}
          className="jp-tracker-markdown"
        />
      ) : (
        <p className="jp-tracker-muted">{text || trans.__('No description')}</p>
      )}
    </section>
  );
}
