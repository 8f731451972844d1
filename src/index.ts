import {
  ILayoutRestorer,
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
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { TrackerAPI } from './api';
import { trackerIcon } from './icons';
import { DEFAULT_SETTINGS, IPanelSettings, TrackerPanel } from './panel';
import { ITrackerAPI } from './tokens';

export const CommandIDs = {
  open: 'jupyterlab-tracker:open'
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
    ISettingRegistry
  ],
  activate: (
    app: JupyterFrontEnd,
    api: TrackerAPI,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null,
    rendermime: IRenderMimeRegistry | null,
    settingRegistry: ISettingRegistry | null
  ) => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_tracker');
    const tracker = new WidgetTracker<MainAreaWidget<TrackerPanel>>({
      namespace: 'jupyterlab-tracker'
    });
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
      execute: () => {
        const existing = tracker.currentWidget;
        if (existing && !existing.isDisposed) {
          app.shell.activateById(existing.id);
          return existing;
        }
        const content = new TrackerPanel({
          api,
          rendermime,
          translator: translator ?? nullTranslator,
          openFile: path =>
            void app.commands.execute('docmanager:open', { path })
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
        return widget;
      }
    });

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

export default [apiPlugin, panelPlugin];
