/**
 * A run id where one must show: the part that tells it apart from the other ids on screen
 * (`runIdentity.ts`), the full id on hover, and a button that copies the full id.
 */
import { Clipboard } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { copyIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import { idPartText } from '../runIdentity';

/** How long "Copied" stays beside the button. */
const CONFIRMATION_MS = 2000;

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
  } else {
    // No asynchronous clipboard outside secure contexts (a lab served over plain http).
    Clipboard.copyToSystem(text);
  }
}

/** Copies `runId`, then says "Copied" (or that it could not) for a moment. */
export function CopyRunIdButton(props: {
  runId: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { runId, trans } = props;
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') {
      return;
    }
    const timer = setTimeout(() => setState('idle'), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [state]);
  const label = trans.__('Copy run id %1', runId);
  return (
    <span className="jp-tracker-copy-id">
      <button
        className="jp-tracker-icon-button"
        title={label}
        aria-label={label}
        onClick={e => {
          e.stopPropagation();
          copyText(runId).then(
            () => setState('copied'),
            () => setState('failed')
          );
        }}
      >
        <copyIcon.react tag="span" />
      </button>
      <span
        className={
          'jp-tracker-copy-id-status' +
          (state === 'failed' ? ' jp-tracker-error' : '')
        }
        role="status"
      >
        {state === 'copied'
          ? trans.__('Copied')
          : state === 'failed'
            ? trans.__('Could not copy')
            : ''}
      </span>
    </span>
  );
}

/** The distinguishing part of `runId` (`part`, from `idParts`) and its copy button. */
export function RunIdPart(props: {
  runId: string;
  part: string;
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <span className="jp-tracker-run-id-part">
      <code title={props.runId}>{idPartText(props.runId, props.part)}</code>
      <CopyRunIdButton runId={props.runId} trans={props.trans} />
    </span>
  );
}
