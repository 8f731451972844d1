/**
 * The Register Model dialog: a logged model becomes a new registered model
 * ("+ Create New Model") or the next version of an existing one.
 */
import {
  Dialog,
  ReactWidget,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';

import { ILoggedModel, IModelVersion, TrackerAPI } from '../api';

const CREATE_NEW = '';

interface IChoice {
  /** The registered model's name, or CREATE_NEW. */
  existing: string;
  newName: string;
}

class RegisterModelBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IChoice>
{
  constructor(
    private readonly names: string[],
    private readonly trans: TranslationBundle,
    defaultName: string
  ) {
    super();
    this.choice = { existing: CREATE_NEW, newName: defaultName };
    this.addClass('jp-tracker-register-dialog');
  }

  getValue(): IChoice {
    return this.choice;
  }

  protected render(): JSX.Element {
    const { trans, choice } = this;
    return (
      <div className="jp-tracker-register-form">
        <label>
          {trans.__('Model')}
          <select
            className="jp-tracker-select"
            aria-label={trans.__('Registered model')}
            value={choice.existing}
            onChange={e => this.set({ existing: e.target.value })}
          >
            <option value={CREATE_NEW}>{trans.__('+ Create New Model')}</option>
            {this.names.map(name => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        {choice.existing === CREATE_NEW ? (
          <label>
            {trans.__('Model name')}
            <input
              className="jp-tracker-input"
              aria-label={trans.__('Model name')}
              value={choice.newName}
              onChange={e => this.set({ newName: e.target.value })}
            />
          </label>
        ) : (
          <p className="jp-tracker-muted">
            {trans.__(
              'The model becomes the next version of "%1".',
              choice.existing
            )}
          </p>
        )}
      </div>
    );
  }

  private set(change: Partial<IChoice>): void {
    this.choice = { ...this.choice, ...change };
    this.update();
  }

  private choice: IChoice;
}

/**
 * Asks where to register `model`, registers it and returns the version (null when the
 * dialog was cancelled or the registry refused it, which is shown).
 */
export async function registerModel(
  api: TrackerAPI,
  model: ILoggedModel,
  trans: TranslationBundle
): Promise<IModelVersion | null> {
  const names = (await api.registeredModels()).map(m => m.name);
  const result = await showDialog({
    title: trans.__('Register Model'),
    body: new RegisterModelBody(names, trans, model.name),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: trans.__('Register') })
    ]
  });
  if (!result.button.accept || !result.value) {
    return null;
  }
  const { existing, newName } = result.value;
  const name = existing || newName.trim();
  try {
    return await api.createModelVersion(name, model, !existing);
  } catch (error) {
    await showErrorMessage(trans.__('Register Model'), error as Error);
    return null;
  }
}

/**
 * The Register Model button and, once a version is registered, its confirmation right
 * beside it (where the user is looking), with a link that opens the new version's page.
 */
export function RegisterModelButton(props: {
  api: TrackerAPI;
  model: ILoggedModel;
  trans: TranslationBundle;
  onOpenVersion(modelName: string, version: string): void;
}): JSX.Element {
  const { trans } = props;
  const [registered, setRegistered] = useState<IModelVersion | null>(null);
  return (
    <>
      <button
        className="jp-tracker-button jp-mod-accept"
        onClick={async () => {
          const version = await registerModel(props.api, props.model, trans);
          if (version) {
            setRegistered(version);
          }
        }}
      >
        {trans.__('Register Model')}
      </button>
      <div className="jp-tracker-registered" role="status">
        {registered && (
          <>
            <span>
              {trans.__(
                'Registered "%1" version %2.',
                registered.name,
                registered.version
              )}
            </span>{' '}
            <button
              className="jp-tracker-link"
              onClick={() =>
                props.onOpenVersion(registered.name, registered.version)
              }
            >
              {trans.__('Open version %1', registered.version)}
            </button>
          </>
        )}
      </div>
    </>
  );
}
