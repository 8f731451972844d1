/** The compare widget: a main-area tab, usually docked to the right of a notebook. */
import { ReactWidget, UseSignal } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { TrackerAPI } from './api';
import { CompareModel } from './compare';
import { ComparePanel } from './components/ComparePanel';
import { trackerIcon } from './icons';

export interface ICompareWidgetOptions {
  api: TrackerAPI;
  model: CompareModel;
  rendermime: IRenderMimeRegistry | null;
  trans: TranslationBundle;
}

export class CompareWidget extends ReactWidget {
  constructor(private readonly options: ICompareWidgetOptions) {
    super();
    this.addClass('jp-tracker-compare-widget');
    this.title.icon = trackerIcon;
    this.title.closable = true;
    this.setLabel(options.model.runIds);
    options.model.changed.connect((_, ids) => this.setLabel(ids), this);
  }

  get model(): CompareModel {
    return this.options.model;
  }

  private setLabel(ids: string[]): void {
    this.title.label = this.options.trans.__('Compare (%1)', ids.length);
  }

  protected render(): JSX.Element {
    const { api, model, rendermime, trans } = this.options;
    return (
      <UseSignal signal={model.changed} initialArgs={model.runIds}>
        {(_, runIds) => (
          <ComparePanel
            api={api}
            rendermime={rendermime}
            runIds={runIds ?? model.runIds}
            trans={trans}
            onRemove={id => model.remove([id])}
          />
        )}
      </UseSignal>
    );
  }
}
