import { Token } from '@lumino/coreutils';

import { TrackerAPI } from './api';

/** The tracker's API client, provided by the model plugin to every UI plugin. */
export const ITrackerAPI = new Token<TrackerAPI>(
  'jupyterlab_tracker:ITrackerAPI',
  'The typed client of the tracker server API.'
);
