/**
 * The tracker's main-area panel. For now it shows what the server reports; the
 * experiments list and runs table grow here.
 */
import { ReactWidget } from '@jupyterlab/apputils';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { refreshIcon, ToolbarButtonComponent } from '@jupyterlab/ui-components';
import React, { useCallback, useEffect, useState } from 'react';

import { IServerInfo, TrackerAPI } from './api';
import { trackerIcon } from './icons';

type Loadable<T> =
  | { state: 'loading' }
  | { state: 'ready'; value: T }
  | { state: 'error'; message: string };

interface IServerStatusProps {
  api: TrackerAPI;
  trans: TranslationBundle;
}

function ServerStatus({ api, trans }: IServerStatusProps): JSX.Element {
  const [info, setInfo] = useState<Loadable<IServerInfo>>({ state: 'loading' });
  const load = useCallback(() => {
    setInfo({ state: 'loading' });
    api.version().then(
      value => setInfo({ state: 'ready', value }),
      error =>
        setInfo({ state: 'error', message: String(error.message ?? error) })
    );
  }, [api]);
  useEffect(load, [load]);

  return (
    <section className="jp-tracker-card" aria-live="polite">
      <header className="jp-tracker-card-header">
        <h2>{trans.__('Tracking server')}</h2>
        <ToolbarButtonComponent
          icon={refreshIcon}
          onClick={load}
          tooltip={trans.__('Refresh')}
        />
      </header>
      {info.state === 'loading' && (
        <p className="jp-tracker-muted">{trans.__('Connecting…')}</p>
      )}
      {info.state === 'error' && (
        <p className="jp-tracker-error" role="alert">
          {trans.__('The tracker server did not answer: %1', info.message)}
        </p>
      )}
      {info.state === 'ready' && (
        <dl className="jp-tracker-server-info" data-status={info.value.status}>
          <dt>{trans.__('Status')}</dt>
          <dd className="jp-tracker-status">{info.value.status}</dd>
          <dt>{trans.__('Version')}</dt>
          <dd className="jp-tracker-version">{info.value.version}</dd>
          <dt>{trans.__('Store')}</dt>
          <dd className="jp-tracker-store">
            {info.value.store.type} · <code>{info.value.store.uri}</code>
          </dd>
          <dt>{trans.__('Artifacts')}</dt>
          <dd>
            <code>{info.value.artifact_root}</code>
          </dd>
        </dl>
      )}
    </section>
  );
}

export class TrackerPanel extends ReactWidget {
  constructor(
    private readonly api: TrackerAPI,
    translator: ITranslator = nullTranslator
  ) {
    super();
    this.trans = translator.load('jupyterlab_tracker');
    this.id = 'jupyterlab-tracker-panel';
    this.title.label = this.trans.__('Experiment Tracker');
    this.title.icon = trackerIcon;
    this.title.closable = true;
    this.addClass('jp-tracker-panel');
  }

  protected render(): JSX.Element {
    return (
      <div className="jp-tracker-panel-body">
        <header className="jp-tracker-panel-header">
          <trackerIcon.react tag="span" className="jp-tracker-panel-logo" />
          <h1>{this.trans.__('Experiment Tracker')}</h1>
        </header>
        <ServerStatus api={this.api} trans={this.trans} />
      </div>
    );
  }

  private readonly trans: TranslationBundle;
}
