/**
 * Links into the tracker panel: a place (an experiment, a run, a registered model or one
 * of its versions) read from JupyterLab's URL or from a command's arguments.
 *
 * The links the mlflow client prints (`<tracking uri>/#/experiments/<id>/runs/<run id>`)
 * lead to the server's page `<base_url>tracker/` (jupyterlab_tracker/server/link_page.py),
 * which forwards to `lab?tracker-open=1&tracker-experiment=<id>&tracker-run=<run id>`
 * (or `tracker-model=<name>&tracker-version=<v>`). Anyone can send such a URL, so every
 * value is checked again here, with the page's rules: ids of their form, a model name of
 * printable characters.
 */
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

export interface ITrackerPlace {
  experimentId?: string;
  runId?: string;
  modelName?: string;
  version?: string;
}

/** What JupyterLab's router matches to open the panel from a URL. */
export const LINK_PATTERN = /[?&]tracker-open=/;

const PARAMS = {
  open: 'tracker-open',
  experimentId: 'tracker-experiment',
  runId: 'tracker-run',
  modelName: 'tracker-model',
  version: 'tracker-version'
} as const;

/** The registry's limit on model names (MAX_REGISTERED_MODEL_NAME_LENGTH). */
const MAX_MODEL_NAME = 256;
const EXPERIMENT_ID = /^[0-9]{1,18}$/;
const RUN_ID = /^[0-9a-f]{32}$/;
const VERSION = /^[0-9]{1,10}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** The place `raw` names, keeping only what has the right form (and what it needs). */
export function checkedPlace(raw: {
  experimentId?: unknown;
  runId?: unknown;
  modelName?: unknown;
  version?: unknown;
}): ITrackerPlace {
  const experimentId = text(raw.experimentId);
  if (experimentId && EXPERIMENT_ID.test(experimentId)) {
    const runId = text(raw.runId);
    return runId && RUN_ID.test(runId)
      ? { experimentId, runId }
      : { experimentId };
  }
  const modelName = text(raw.modelName);
  if (
    modelName &&
    modelName.length <= MAX_MODEL_NAME &&
    !CONTROL.test(modelName)
  ) {
    const version = text(raw.version);
    return version && VERSION.test(version)
      ? { modelName, version }
      : { modelName };
  }
  return {};
}

/** The place of a URL's query string (`location.search`). */
export function placeFromSearch(search: string): ITrackerPlace {
  const params = new URLSearchParams(search);
  return checkedPlace({
    experimentId: params.get(PARAMS.experimentId),
    runId: params.get(PARAMS.runId),
    modelName: params.get(PARAMS.modelName),
    version: params.get(PARAMS.version)
  });
}

/** The place of the open command's arguments. */
export function placeFromArgs(args: ReadonlyPartialJSONObject): ITrackerPlace {
  return checkedPlace(args);
}

/** `href` without the link's query arguments, so that a reload does not go there again. */
export function withoutLinkParams(href: string): string {
  const url = new URL(href);
  Object.values(PARAMS).forEach(name => url.searchParams.delete(name));
  return url.href;
}
