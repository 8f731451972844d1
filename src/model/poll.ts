/**
 * The panel's one polling mechanism: JupyterLab's `Poll`, standing by while the panel (or
 * the browser tab) is hidden and backing off while its factory rejects.
 */
import { IPoll, Poll } from '@lumino/polling';

/** The longest wait between tries while the server keeps failing. */
const MAX_BACKOFF_MS = 60000;

export function pollFrequency(seconds: number): IPoll.Frequency {
  return {
    interval: Math.max(0.5, seconds) * 1000,
    backoff: true,
    max: MAX_BACKOFF_MS
  };
}

export function trackerPoll(
  name: string,
  factory: () => Promise<unknown>,
  seconds: number,
  isVisible: () => boolean
): Poll {
  return new Poll({
    factory,
    frequency: pollFrequency(seconds),
    standby: () => !isVisible() || 'when-hidden',
    name
  });
}
