/** The browser's localStorage, read and written without ever throwing (privacy modes refuse it). */
export function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: unknown): void {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Full or refused: the choice still holds in this page.
  }
}

/** Where the panel keeps its state across reloads (next to `jupyterlab-tracker:run-columns`). */
export const VIEW_STATES_KEY = 'jupyterlab-tracker:runs-view';
export const PANEL_PLACE_KEY = 'jupyterlab-tracker:panel-place';
