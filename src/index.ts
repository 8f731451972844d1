import {
  ILayoutRestorer,
  IRouter,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';

import { Widget } from '@lumino/widgets';

import { TrackerAPI } from './api';
import { CompareModel } from './compare';
import { CompareWidget } from './compareWidget';
import { trackerIcon } from './icons';
import {
  LINK_PATTERN,
  placeFromArgs,
  placeFromSearch,
  withoutLinkParams
} from './links';
import { DEFAULT_SETTINGS, IPanelSettings, TrackerPanel } from './panel';
import { ITrackerAPI } from './tokens';

export const CommandIDs = {
  open: 'jupyterlab-tracker:open',
  openLink: 'jupyterlab-tracker:open-link',
  compare: 'jupyterlab-tracker:compare'
} as const;

/** The model plugin: one API client shared by every UI plugin. */
const apiPlugin: JupyterFrontEndPlugin<TrackerAPI> = {
  id: 'jupyterlab_tracker:api',
  description: 'The client of the tracker server API.',
  autoStart: true,
  provides: ITrackerAPI,
  activate: () => new TrackerAPI()
};

/** The launcher card, the palette command and the main-area panel. */
const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab_tracker:plugin',
  description: 'The Experiment Tracker panel, opened from the launcher.',
  autoStart: true,
  requires: [ITrackerAPI],
  optional: [
    ILauncher,
    ICommandPalette,
    ILayoutRestorer,
    ITranslator,
    IRenderMimeRegistry,
    ISettingRegistry,
    IRouter
  ],
  activate: (
    app: JupyterFrontEnd,
    api: TrackerAPI,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null,
    rendermime: IRenderMimeRegistry | null,
    settingRegistry: ISettingRegistry | null,
    router: IRouter | null
  ) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_tracker');
    const tracker = new WidgetTracker<MainAreaWidget<TrackerPanel>>({
      namespace: 'jupyterlab-tracker'
    });
    const compare = compareCommand(app, api, rendermime, trans, restorer);
    let settings: IPanelSettings = DEFAULT_SETTINGS;
    if (settingRegistry) {
      void settingRegistry.load(panelPlugin.id).then(loaded => {
        const apply = () => {
          settings = {
            ...DEFAULT_SETTINGS,
            ...(loaded.composite as Partial<IPanelSettings>)
          };
          tracker.forEach(widget => (widget.content.settings = settings));
        };
        loaded.changed.connect(apply);
        apply();
      });
    }

    app.commands.addCommand(CommandIDs.open, {
      label: trans.__('Experiment Tracker'),
      caption: trans.__('Open the experiment tracker'),
      icon: args => (args['isPalette'] ? undefined : trackerIcon),
      execute: args => {
        // Args (from a link, a URL or another extension) may name a place to show:
        // experimentId (and runId), or modelName (and version).
        const place = placeFromArgs(args);
        const existing = tracker.currentWidget;
        if (existing && !existing.isDisposed) {
          app.shell.activateById(existing.id);
          existing.content.showPlace(place);
          return existing;
        }
        const content = new TrackerPanel({
          api,
          rendermime,
          translator: translator ?? nullTranslator,
          compareModel: compare.model,
          isCompareOpen: compare.isOpen,
          openCompare: runIds =>
            void app.commands.execute(CommandIDs.compare, { runIds }),
          openFile: path =>
            void app.commands.execute('docmanager:open', { path }),
          openPlace: place =>
            void app.commands.execute(CommandIDs.open, { ...place })
        });
        content.settings = settings;
        const widget = new MainAreaWidget({ content });
        widget.id = 'jupyterlab-tracker';
        widget.title.label = content.title.label;
        widget.title.icon = trackerIcon;
        widget.title.closable = true;
        void tracker.add(widget);
        app.shell.add(widget, 'main');
        app.shell.activateById(widget.id);
        content.showPlace(place);
        return widget;
      }
    });

    // <base_url>tracker/#/experiments/<id>/runs/<run id> (what the mlflow client prints)
    // forwards to lab?tracker-open=1&tracker-experiment=...: open the panel there.
    app.commands.addCommand(CommandIDs.openLink, {
      label: trans.__('Open a tracker link'),
      execute: async args => {
        const search = (args['search'] as string | undefined) ?? '';
        window.history.replaceState(
          window.history.state,
          '',
          withoutLinkParams(window.location.href)
        );
        await app.restored; // the restored panel, if any, is the one to show it in
        return app.commands.execute(CommandIDs.open, {
          ...placeFromSearch(search)
        });
      }
    });
    router?.register({ command: CommandIDs.openLink, pattern: LINK_PATTERN });

    launcher?.add({
      command: CommandIDs.open,
      category: trans.__('Other'),
      rank: 1
    });
    palette?.addItem({
      command: CommandIDs.open,
      category: trans.__('Experiment Tracker'),
      args: { isPalette: true }
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.open,
        name: () => 'jupyterlab-tracker'
      });
    }
  }
};

/** The class of a notebook's main-area widget (we do not depend on the notebook package). */
const NOTEBOOK_CLASS = 'jp-NotebookPanel';

/**
 * The `compare` command: opens the one compare widget split to the right of the notebook
 * in use (if any), or updates the runs it shows. Restored after a reload with its runs.
 */
function compareCommand(
  app: JupyterFrontEnd,
  api: TrackerAPI,
  rendermime: IRenderMimeRegistry | null,
  trans: TranslationBundle,
  restorer: ILayoutRestorer | null
) {
  const model = new CompareModel();
  const tracker = new WidgetTracker<MainAreaWidget<CompareWidget>>({
    namespace: 'jupyterlab-tracker-compare'
  });
  let lastNotebook: Widget | null = null;
  app.shell.currentChanged?.connect((_, change) => {
    if (change.newValue?.hasClass(NOTEBOOK_CLASS)) {
      lastNotebook = change.newValue;
    }
  });
  const notebookInUse = (): Widget | null => {
    const current = app.shell.currentWidget;
    if (current?.hasClass(NOTEBOOK_CLASS)) {
      return current;
    }
    if (lastNotebook && lastNotebook.isAttached) {
      return lastNotebook;
    }
    for (const widget of app.shell.widgets('main')) {
      if (widget.hasClass(NOTEBOOK_CLASS)) {
        return widget;
      }
    }
    return null;
  };
  model.changed.connect(() => {
    if (tracker.currentWidget) {
      void tracker.save(tracker.currentWidget);
    }
  });

  app.commands.addCommand(CommandIDs.compare, {
    label: args =>
      trans.__(
        'Compare Runs (%1)',
        ((args['runIds'] as string[]) ?? []).length
      ),
    caption: trans.__('Compare runs side by side'),
    execute: args => {
      const runIds = args['runIds'] as string[] | undefined;
      if (runIds) {
        model.runIds = runIds;
      }
      const existing = tracker.currentWidget;
      if (existing && !existing.isDisposed) {
        app.shell.activateById(existing.id);
        return existing;
      }
      const content = new CompareWidget({ api, model, rendermime, trans });
      const widget = new MainAreaWidget({ content });
      widget.id = 'jupyterlab-tracker-compare';
      widget.title.label = content.title.label;
      widget.title.icon = content.title.icon;
      widget.title.closable = true;
      content.title.changed.connect(
        () => (widget.title.label = content.title.label)
      );
      void tracker.add(widget);
      const notebook = notebookInUse();
      app.shell.add(widget, 'main', {
        mode: 'split-right',
        ref: notebook?.id ?? null
      });
      app.shell.activateById(widget.id);
      return widget;
    }
  });
  if (restorer) {
    void restorer.restore(tracker, {
      command: CommandIDs.compare,
      args: widget => ({ runIds: widget.content.model.runIds }),
      name: () => 'jupyterlab-tracker-compare'
    });
  }
  return {
    model,
    isOpen: () => !!tracker.currentWidget && !tracker.currentWidget.isDisposed
  };
}

export default [apiPlugin, panelPlugin];
