/** A server or network failure, with a way to try again (the message is shown as text). */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

export function ErrorBanner(props: {
  message: string;
  trans: TranslationBundle;
  onRetry(): void;
}): JSX.Element {
  const { trans } = props;
  return (
    <div className="jp-tracker-error-banner" role="alert">
      <span className="jp-tracker-error-banner-text">
        {trans.__('The runs could not be loaded: %1', props.message)}
      </span>
      <button className="jp-tracker-button" onClick={props.onRetry}>
        {trans.__('Retry')}
      </button>
    </div>
  );
}
