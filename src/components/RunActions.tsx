/**
 * The toolbar of actions on the selected runs: rename (one run), delete and restore, add and
 * remove a tag (many), and "Delete permanently…" (deleted runs only, after a confirmation
 * that says what it frees). Every action goes through the RunsModel (one request however
 * many runs), which reloads the runs; errors and partial failures are shown in a dialog.
 */
import {
  Dialog,
  InputDialog,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import React from 'react';

import { IRun, RunsAction, ViewType } from '../api';
import { formatBytes } from '../format';
import { RunsModel } from '../model/RunsModel';
import {
  actionTargets,
  allowedActions,
  failureSummary,
  removableTagKeys,
  selectionAfter
} from '../runActions';

export interface IRunActionsProps {
  model: RunsModel;
  /** The selected runs that are loaded (the table's rows). */
  selected: IRun[];
  selectedIds: Set<string>;
  viewType: ViewType;
  trans: TranslationBundle;
  onSelectionChange(selected: Set<string>): void;
}

/** A key and a value, for "Add tag". */
class TagBody
  extends Widget
  implements
    Dialog.IBodyWidget<{
      key: string;
      value: string;
    }>
{
  constructor(trans: TranslationBundle) {
    super();
    this.addClass('jp-tracker-tag-dialog');
    this._key = this._field(trans.__('Key'), 'jp-tracker-tag-key');
    this._value = this._field(trans.__('Value'), 'jp-tracker-tag-value');
  }

  getValue(): { key: string; value: string } {
    return { key: this._key.value, value: this._value.value };
  }

  protected onAfterAttach(): void {
    this._key.focus();
  }

  private _field(label: string, className: string): HTMLInputElement {
    const row = document.createElement('label');
    row.className = 'jp-tracker-tag-dialog-row';
    row.textContent = label;
    const input = document.createElement('input');
    input.className = `jp-mod-styled ${className}`;
    input.setAttribute('aria-label', label);
    row.appendChild(input);
    this.node.appendChild(row);
    return input;
  }

  private readonly _key: HTMLInputElement;
  private readonly _value: HTMLInputElement;
}

export function RunActions(props: IRunActionsProps): JSX.Element | null {
  const { model, selected, trans } = props;
  if (props.selectedIds.size === 0) {
    return null;
  }
  const allowed = allowedActions(selected);

  const report = async (title: string, error: unknown) => {
    await showErrorMessage(
      title,
      error instanceof Error ? error.message : String(error)
    );
  };

  const run = async (
    action: RunsAction,
    tags: { key: string; value: string }[] = [],
    keys: string[] = []
  ) => {
    const targets = actionTargets(selected, action);
    try {
      const update = await model.applyToRuns(targets, action, tags, keys);
      props.onSelectionChange(
        selectionAfter(
          props.selectedIds,
          action,
          update.updated,
          props.viewType
        )
      );
      const failures = failureSummary(update, selected);
      if (failures) {
        await showErrorMessage(
          trans.__('Some runs were not changed'),
          failures
        );
      }
    } catch (error) {
      await report(trans.__('The runs were not changed'), error);
    }
  };

  const rename = async () => {
    const target = selected[0];
    const result = await InputDialog.getText({
      title: trans.__('Rename run'),
      label: trans.__('New name'),
      text: target.info.run_name,
      okLabel: trans.__('Rename')
    });
    if (!result.button.accept || !result.value?.trim()) {
      return;
    }
    try {
      await model.renameRun(target.info.run_id, result.value.trim());
    } catch (error) {
      await report(trans.__('The run was not renamed'), error);
    }
  };

  const addTag = async () => {
    const result = await showDialog({
      title: trans.__(
        'Add a tag to %1 runs',
        actionTargets(selected, 'set_tags').length
      ),
      body: new TagBody(trans),
      buttons: [
        Dialog.cancelButton(),
        Dialog.okButton({ label: trans.__('Add tag') })
      ]
    });
    if (result.button.accept && result.value) {
      await run('set_tags', [result.value]);
    }
  };

  const removeTag = async () => {
    const keys = removableTagKeys(selected);
    if (!keys.length) {
      await showErrorMessage(
        trans.__('Remove tag'),
        trans.__('The selected runs have no tags to remove.')
      );
      return;
    }
    const result = await InputDialog.getItem({
      title: trans.__('Remove a tag'),
      label: trans.__('Tag'),
      items: keys,
      okLabel: trans.__('Remove tag')
    });
    if (result.button.accept && result.value) {
      await run('delete_tags', [], [result.value]);
    }
  };

  const purge = async () => {
    const ids = selected.map(r => r.info.run_id);
    try {
      const preview = await model.previewPurge(ids);
      const freed = preview.freed;
      const confirm = await showDialog({
        title: trans.__('Delete %1 runs permanently?', ids.length),
        body: trans.__(
          'This frees %1 (%2 artifact files, %3 metric points). The runs, their params, metrics, tags and files are removed for good: this cannot be undone.',
          formatBytes(freed.artifact_bytes),
          freed.artifact_files,
          freed.metric_points
        ),
        buttons: [
          Dialog.cancelButton(),
          Dialog.warnButton({ label: trans.__('Delete permanently') })
        ]
      });
      if (!confirm.button.accept) {
        return;
      }
      const done = await model.purgeRuns(ids);
      props.onSelectionChange(
        selectionAfter(props.selectedIds, 'purge', done.run_ids, props.viewType)
      );
      if (done.kept.length) {
        await showErrorMessage(
          trans.__('Some runs were kept'),
          done.kept.map(k => `${k.kind} ${k.id}: ${k.message}`).join('\n')
        );
      }
    } catch (error) {
      await report(trans.__('The runs were not deleted permanently'), error);
    }
  };

  return (
    <div
      className="jp-tracker-run-actions"
      role="toolbar"
      aria-label={trans.__('Actions on the selected runs')}
    >
      <span className="jp-tracker-run-actions-count">
        {trans._n('%1 selected', '%1 selected', props.selectedIds.size)}
      </span>
      <button
        className="jp-tracker-button"
        disabled={!allowed.rename}
        onClick={rename}
      >
        {trans.__('Rename')}
      </button>
      <button
        className="jp-tracker-button"
        disabled={!allowed.tag}
        onClick={addTag}
      >
        {trans.__('Add tag')}
      </button>
      <button
        className="jp-tracker-button"
        disabled={!allowed.tag}
        onClick={removeTag}
      >
        {trans.__('Remove tag')}
      </button>
      <button
        className="jp-tracker-button"
        disabled={!allowed.delete}
        onClick={() => void run('delete')}
      >
        {trans.__('Delete')}
      </button>
      <button
        className="jp-tracker-button"
        disabled={!allowed.restore}
        onClick={() => void run('restore')}
      >
        {trans.__('Restore')}
      </button>
      <button
        className="jp-tracker-button jp-tracker-danger-button"
        disabled={!allowed.purge}
        title={trans.__('Only deleted runs can be deleted permanently')}
        onClick={purge}
      >
        {trans.__('Delete permanently…')}
      </button>
    </div>
  );
}

/** "1.2 GB in 340 runs": the storage figure of the runs header. */
export function StorageFigure(props: {
  model: RunsModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const storage = props.model.storage;
  if (!storage) {
    return null;
  }
  return (
    <span
      className="jp-tracker-muted jp-tracker-storage"
      title={props.trans.__(
        '%1 artifact files, %2 metric points',
        storage.artifact_files,
        storage.metric_points
      )}
    >
      {props.trans._n(
        '%2 in %1 run',
        '%2 in %1 runs',
        storage.run_count,
        formatBytes(storage.artifact_bytes)
      )}
    </span>
  );
}
