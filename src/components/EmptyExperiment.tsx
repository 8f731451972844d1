/** An experiment without runs: how to log the first one, from jt, mlflow or `%%track`. */
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { firstRunSnippets } from '../snippets';
import { SnippetCell } from './Snippet';

export function EmptyExperiment(props: {
  experimentName: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { trans } = props;
  const trackingUri = URLExt.join(
    window.location.origin,
    PageConfig.getBaseUrl().replace(window.location.origin, ''),
    'tracker'
  );
  return (
    <div className="jp-tracker-first-run">
      <p>
        {trans.__(
          'No runs yet. Log the first one from a notebook with any of these:'
        )}
      </p>
      {firstRunSnippets(props.experimentName, trackingUri).map(snippet => (
        <section
          key={snippet.id}
          className="jp-tracker-snippet"
          data-snippet={snippet.id}
        >
          <h3 className="jp-tracker-snippet-label">{snippet.label}</h3>
          {snippet.cells.map((cell, i) => (
            <SnippetCell
              key={i}
              code={cell}
              label={snippet.label}
              trans={trans}
            />
          ))}
        </section>
      ))}
    </div>
  );
}
