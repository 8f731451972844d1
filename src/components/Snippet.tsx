/** Code to paste into a notebook, shown as text, with a Copy button. */
import { Clipboard } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

export function SnippetCell(props: {
  code: string;
  /** What the code is, for the Copy button's accessible name. */
  label: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  return (
    <div className="jp-tracker-snippet-cell">
      <pre className="jp-tracker-snippet-code">{props.code}</pre>
      <button
        className="jp-tracker-button jp-tracker-snippet-copy"
        aria-label={trans.__('Copy the %1 code', props.label)}
        onClick={() => Clipboard.copyToSystem(props.code)}
      >
        {trans.__('Copy')}
      </button>
    </div>
  );
}
