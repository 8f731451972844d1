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

export type LifecycleStage = 'active' | 'deleted';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
export type RunStatus =
  'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface IExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number | null;
  last_update_time: number | null;
  tags: Record<string, string>;
}

/** Metric values may be "NaN", "Infinity" or "-Infinity" (JSON has no such numbers). */
export type MetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

export interface IMetric {
  key: string;
  value: MetricValue;
  timestamp: number;
  step: number;
}

export interface IRunInfo {
  run_id: string;
  experiment_id: string;
  run_name: string;
  user_id: string;
  status: RunStatus;
  start_time: number | null;
  end_time: number | null;
  lifecycle_stage: LifecycleStage;
  artifact_uri: string;
}

export interface IRun {
  info: IRunInfo;
  data: {
    metrics: Record<string, IMetric>;
    params: Record<string, string>;
    tags: Record<string, string>;
  };
  inputs: {
    dataset: {
      name: string;
      digest: string;
      source_type: string;
      source: string;
    };
    tags: Record<string, string>;
  }[];
}

export interface IRunKeys {
  metrics: string[];
  params: string[];
  tags: string[];
}

export interface ISearchRunsRequest {
  experiment_ids: string[];
  filter?: string;
  run_view_type?: ViewType;
  max_results?: number;
  order_by?: string[];
  page_token?: string | null;
}

export interface IPage<T> {
  items: T[];
  nextPageToken: string | null;
}

/** A metric's history; `sampled` says the server downsampled a long one. */
export interface IMetricHistory {
  metrics: IMetric[];
  sampled: boolean;
}

/** A metric value as a JS number (NaN and the infinities included). */
export function metricNumber(value: MetricValue): number {
  return typeof value === 'number' ? value : Number(value);
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

  async experiments(
    viewType: ViewType = 'ACTIVE_ONLY'
  ): Promise<IExperiment[]> {
    const all: IExperiment[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.request<{
        experiments: IExperiment[];
        next_page_token: string | null;
      }>(
        'experiments',
        {},
        { view_type: viewType, max_results: '1000', page_token: pageToken }
      );
      all.push(...page.experiments);
      pageToken = page.next_page_token ?? undefined;
    } while (pageToken);
    return all;
  }

  async createExperiment(name: string): Promise<IExperiment> {
    const body = await this.request<{ experiment: IExperiment }>(
      'experiments',
      {
        method: 'POST',
        body: JSON.stringify({ name })
      }
    );
    return body.experiment;
  }

  async renameExperiment(
    experimentId: string,
    name: string
  ): Promise<IExperiment> {
    const body = await this.request<{ experiment: IExperiment }>(
      `experiments/${experimentId}`,
      {
        method: 'PATCH',
        body: JSON.stringify({ name })
      }
    );
    return body.experiment;
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.request(`experiments/${experimentId}`, { method: 'DELETE' });
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.request(`experiments/${experimentId}/restore`, {
      method: 'POST'
    });
  }

  async searchRuns(request: ISearchRunsRequest): Promise<IPage<IRun>> {
    const body = await this.request<{
      runs: IRun[];
      next_page_token: string | null;
    }>('runs/search', { method: 'POST', body: JSON.stringify(request) });
    return { items: body.runs, nextPageToken: body.next_page_token };
  }

  runKeys(experimentIds: string[]): Promise<IRunKeys> {
    return this.request<IRunKeys>(
      'runs/keys',
      {},
      { experiment_ids: experimentIds }
    );
  }

  async getRun(runId: string): Promise<IRun> {
    const body = await this.request<{ run: IRun }>(`runs/${runId}`);
    return body.run;
  }

  async updateRun(
    runId: string,
    changes: { run_name?: string; status?: RunStatus }
  ) {
    await this.request(`runs/${runId}`, {
      method: 'PATCH',
      body: JSON.stringify(changes)
    });
  }

  async setRunTag(runId: string, key: string, value: string): Promise<void> {
    await this.request(`runs/${runId}/batch`, {
      method: 'POST',
      body: JSON.stringify({ tags: [{ key, value }] })
    });
  }

  async deleteRunTag(runId: string, key: string): Promise<void> {
    await this.request(`runs/${runId}/tags`, { method: 'DELETE' }, { key });
  }

  /** A metric's history, downsampled by the server to about `maxPoints` points. */
  metricHistory(
    runId: string,
    key: string,
    maxPoints = 1000
  ): Promise<IMetricHistory> {
    return this.request<IMetricHistory>(
      `runs/${runId}/metrics/history`,
      {},
      { key, max_points: String(maxPoints) }
    );
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
