/**
 * The typed API module: the only frontend code that talks HTTP.
 *
 * Every request goes through JupyterLab's ServerConnection, which adds the base URL,
 * the token and the XSRF header, so the panel works under JupyterHub-style prefixes.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** What `GET tracker/api/version` reports. */
export interface IServerInfo {
  name: string;
  version: string;
  status: string;
  store: { type: string; uri: string };
  artifact_root: string;
}

/** An error answered by the tracker, with its MLflow-style code. */
export class TrackerAPIError extends Error {
  constructor(
    message: string,
    readonly errorCode: string,
    readonly status: number
  ) {
    super(message);
  }
}

export class TrackerAPI {
  constructor(
    private readonly settings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {}

  /** The server's version and store, shown by the panel. */
  version(): Promise<IServerInfo> {
    return this.request<IServerInfo>('version');
  }

  private async request<T>(
    path: string,
    init: RequestInit = {},
    query: Record<string, string | string[] | undefined> = {}
  ): Promise<T> {
    const url =
      URLExt.join(this.settings.baseUrl, 'tracker', 'api', path) +
      URLExt.objectToQueryString(dropUndefined(query));
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, this.settings);
    } catch (error) {
      throw new ServerConnection.NetworkError(error as TypeError);
    }
    const text = await response.text();
    const body = text ? JSON.parse(text) : {};
    if (!response.ok) {
      throw new TrackerAPIError(
        body.message ?? response.statusText,
        body.error_code ?? 'INTERNAL_ERROR',
        response.status
      );
    }
    return body as T;
  }
}

function dropUndefined(
  query: Record<string, string | string[] | undefined>
): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) {
      result[key] = value;
    }
  }
  return result;
}
