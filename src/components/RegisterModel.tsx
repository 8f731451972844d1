/**
 * The Register Model dialog: a logged model becomes a new registered model
 * ("+ Create New Model") or the next version of an existing one.
 */
import {
  Dialog,
  Notification,
  ReactWidget,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

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
 * Asks where to register `model`, registers it, confirms it with a notification whose
 * button opens the new version (`onOpenVersion`), and returns the version (or null).
 */
export async function registerModel(
  api: TrackerAPI,
  model: ILoggedModel,
  trans: TranslationBundle,
  onOpenVersion: (modelName: string, version: string) => void
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
  let version: IModelVersion;
  try {
    version = await api.createModelVersion(name, model, !existing);
  } catch (error) {
    await showErrorMessage(trans.__('Register Model'), error as Error);
    return null;
  }
  // A toast stays in view wherever the page is scrolled; it waits to be dismissed (and
  // stays in the notification centre), so the link is there when the user looks.
  Notification.success(
    trans.__('Registered "%1" version %2.', version.name, version.version),
    {
      autoClose: false,
      actions: [
        {
          label: trans.__('Open version %1', version.version),
          caption: trans.__(
            'Show "%1" version %2 in the Models view',
            version.name,
            version.version
          ),
          callback: () => onOpenVersion(version.name, version.version)
        }
      ]
    }
  );
  return version;
}
