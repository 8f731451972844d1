/**
 * The typed API module: the only frontend code that talks HTTP.
 *
 * Every request goes through JupyterLab's ServerConnection, which adds the base URL,
 * the token and the XSRF header, so the panel works under JupyterHub-style prefixes.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { IModelFiles, runVersionsFilter } from './registry';
import { MetricValue } from './values';

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

export type { MetricValue } from './values';
export { metricNumber } from './values';

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

/** Whose artifacts: a run's, or a logged model's (MLflow 3 models have their own). */
export type ArtifactOwner = 'runs' | 'logged-models';

export interface IFileInfo {
  path: string;
  is_dir: boolean;
  file_size: number | null;
}

export interface ILoggedModel {
  model_id: string;
  experiment_id: string;
  name: string;
  artifact_uri: string;
  status: string;
  source_run_id: string | null;
  model_type: string;
  creation_timestamp: number | null;
  last_updated_timestamp: number | null;
  tags: Record<string, string>;
}

export interface IModelVersion {
  name: string;
  version: string;
  source: string;
  creation_timestamp: number | null;
  last_updated_timestamp: number | null;
  description: string;
  run_id: string | null;
  model_id: string | null;
  status: string;
  current_stage: string;
  tags: Record<string, string>;
  aliases: string[];
}

export interface IRegisteredModel {
  name: string;
  creation_timestamp: number | null;
  last_updated_timestamp: number | null;
  description: string;
  tags: Record<string, string>;
  aliases: Record<string, string>;
  latest_versions: IModelVersion[];
}

/** What the model-version page shows, in one request (`GET api/model-versions/details`). */
export interface IModelVersionDetails {
  model_version: IModelVersion;
  /** The source run, when it is a run of this tracker. */
  source_run: IRun | null;
  /** What the version's MLmodel says, or null (then `model_error` says why). */
  model: IModelFiles | null;
  model_error: string | null;
}

export const MODEL_STAGES = [
  'None',
  'Staging',
  'Production',
  'Archived'
] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

/** An action the runs view takes on many selected runs at once. */
export type RunsAction = 'delete' | 'restore' | 'set_tags' | 'delete_tags';

export interface IRunsUpdate {
  updated: string[];
  failed: { run_id: string; error_code: string; message: string }[];
}

export interface IStorageUsage {
  artifact_bytes: number;
  artifact_files: number;
  metric_points: number;
}

export interface IStorageReport extends IStorageUsage {
  run_count: number;
  unreadable: { run_id: string; message: string }[];
  runs?: Record<string, IStorageUsage>;
}

export interface IPurgeReport {
  dry_run: boolean;
  run_ids: string[];
  experiment_ids: string[];
  logged_model_ids: string[];
  freed: IStorageUsage;
  kept: { id: string; kind: string; message: string }[];
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

/** A run id of this tracker (32 lowercase hex digits), safe inside a quoted filter value. */
const RUN_ID_FORM = /^[0-9a-f]{32}$/;
const RUNS_BY_IDS_CHUNK = 1000;
/** Run ids per `run_id IN (...)` query of model versions (it travels in the URL). */
const VERSIONS_BY_RUNS_CHUNK = 1000;
/** The most runs one bulk history request may name (MLflow's limit, `limits.py`). */
const BULK_HISTORY_RUNS = 100;

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

  async experiment(experimentId: string): Promise<IExperiment> {
    const body = await this.request<{ experiment: IExperiment }>(
      `experiments/${encodeURIComponent(experimentId)}`
    );
    return body.experiment;
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

  /** One action on many runs in one request; runs it could not change are in `failed`. */
  updateRuns(
    runIds: string[],
    action: RunsAction,
    tags: { key: string; value: string }[] = [],
    keys: string[] = []
  ): Promise<IRunsUpdate> {
    return this.request<IRunsUpdate>('runs/batch-update', {
      method: 'POST',
      body: JSON.stringify({ run_ids: runIds, action, tags, keys })
    });
  }

  /** Artifact bytes and metric points of one run (computed on request). */
  runStorage(runId: string): Promise<IStorageReport> {
    return this.request<IStorageReport>(`runs/${runId}/storage`);
  }

  /** The storage of an experiment's runs in a lifecycle view (computed on request). */
  experimentStorage(
    experimentId: string,
    viewType: ViewType,
    perRun = false
  ): Promise<IStorageReport> {
    return this.request<IStorageReport>(
      `experiments/${encodeURIComponent(experimentId)}/storage`,
      {},
      { view_type: viewType, per_run: String(perRun) }
    );
  }

  /** Permanently delete deleted runs and experiments; `dryRun`: what it would free. */
  purge(
    runIds: string[],
    experimentIds: string[],
    dryRun: boolean
  ): Promise<IPurgeReport> {
    return this.request<IPurgeReport>('purge', {
      method: 'POST',
      body: JSON.stringify({
        run_ids: runIds,
        experiment_ids: experimentIds,
        dry_run: dryRun
      })
    });
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

  async listArtifacts(
    owner: ArtifactOwner,
    id: string,
    path = ''
  ): Promise<IFileInfo[]> {
    const body = await this.request<{ files: IFileInfo[] }>(
      `${owner}/${id}/artifacts`,
      {},
      { path: path || undefined }
    );
    return body.files;
  }

  /** A file's bytes; `maxBytes` asks for only the start of it (an HTTP range). */
  async artifactBlob(
    owner: ArtifactOwner,
    id: string,
    path: string,
    maxBytes?: number
  ): Promise<Blob> {
    const init: RequestInit = maxBytes
      ? { headers: { Range: `bytes=0-${maxBytes - 1}` } }
      : {};
    const response = await this.send(`${owner}/${id}/artifacts/content`, init, {
      path
    });
    if (!response.ok) {
      throw await this.errorOf(response);
    }
    return response.blob();
  }

  async loggedModelsOfRun(runId: string): Promise<ILoggedModel[]> {
    const body = await this.request<{ models: ILoggedModel[] }>(
      'logged-models',
      {},
      { source_run_id: runId, max_results: '100' }
    );
    return body.models;
  }

  async registeredModels(filter = ''): Promise<IRegisteredModel[]> {
    const body = await this.request<{ registered_models: IRegisteredModel[] }>(
      'registered-models',
      {},
      { filter: filter || undefined, max_results: '1000', order_by: 'name ASC' }
    );
    return body.registered_models;
  }

  /**
   * Registers a logged model as the next version of registered model `name`;
   * with `createModel`, as the first version of a new registered model `name`
   * (one transaction on the server: a refused version leaves no model behind).
   */
  async createModelVersion(
    name: string,
    model: ILoggedModel,
    createModel = false
  ): Promise<IModelVersion> {
    const body = await this.request<{ model_version: IModelVersion }>(
      'model-versions',
      {
        method: 'POST',
        body: JSON.stringify({
          name,
          source: `models:/${model.model_id}`,
          run_id: model.source_run_id,
          model_id: model.model_id,
          create_registered_model: createModel
        })
      }
    );
    return body.model_version;
  }

  /** One registered model by name (names may contain slashes). */
  async registeredModel(name: string): Promise<IRegisteredModel> {
    const body = await this.request<{ registered_model: IRegisteredModel }>(
      'registered-models/by-name',
      {},
      { name }
    );
    return body.registered_model;
  }

  /** Every version of registered model `name`, newest first. */
  async modelVersions(name: string): Promise<IModelVersion[]> {
    const filter = `name = '${name.replace(/'/g, "\\'")}'`;
    const body = await this.request<{ model_versions: IModelVersion[] }>(
      'model-versions',
      {},
      { filter, max_results: '1000' }
    );
    return body.model_versions.sort(
      (a, b) => Number(b.version) - Number(a.version)
    );
  }

  async setModelAlias(
    name: string,
    alias: string,
    version: string
  ): Promise<void> {
    await this.request('registered-models/aliases', {
      method: 'PUT',
      body: JSON.stringify({ name, alias, version })
    });
  }

  async deleteModelAlias(name: string, alias: string): Promise<void> {
    await this.request(
      'registered-models/aliases',
      { method: 'DELETE' },
      { name, alias }
    );
  }

  async setModelVersionTag(
    name: string,
    version: string,
    key: string,
    value: string
  ): Promise<void> {
    await this.request('model-versions/tags', {
      method: 'PUT',
      body: JSON.stringify({ name, version, key, value })
    });
  }

  async deleteModelVersionTag(
    name: string,
    version: string,
    key: string
  ): Promise<void> {
    await this.request(
      'model-versions/tags',
      { method: 'DELETE' },
      { name, version, key }
    );
  }

  async setModelVersionStage(
    name: string,
    version: string,
    stage: ModelStage,
    archiveExistingVersions: boolean
  ): Promise<void> {
    await this.request('model-versions/stage', {
      method: 'POST',
      body: JSON.stringify({
        name,
        version,
        stage,
        archive_existing_versions: archiveExistingVersions
      })
    });
  }

  async setModelVersionDescription(
    name: string,
    version: string,
    description: string
  ): Promise<void> {
    await this.request('model-versions/by-name', {
      method: 'PATCH',
      body: JSON.stringify({ name, version, description })
    });
  }

  // ---- registry pages (issue 17, item 8) ----

  /** A version, its source run and what its MLmodel says (signature, input example). */
  modelVersionDetails(
    name: string,
    version: string
  ): Promise<IModelVersionDetails> {
    return this.request<IModelVersionDetails>(
      'model-versions/details',
      {},
      { name, version }
    );
  }

  /** The registered versions whose source is one of `runIds`: a query per 1000 runs. */
  async modelVersionsOfRuns(runIds: string[]): Promise<IModelVersion[]> {
    const wanted = [...new Set(runIds)].filter(id => RUN_ID_FORM.test(id));
    const versions: IModelVersion[] = [];
    for (let i = 0; i < wanted.length; i += VERSIONS_BY_RUNS_CHUNK) {
      const filter = runVersionsFilter(
        wanted.slice(i, i + VERSIONS_BY_RUNS_CHUNK)
      );
      let pageToken: string | undefined;
      do {
        const page: {
          model_versions: IModelVersion[];
          next_page_token: string | null;
        } = await this.request(
          'model-versions',
          {},
          { filter, max_results: '1000', page_token: pageToken }
        );
        versions.push(...page.model_versions);
        pageToken = page.next_page_token ?? undefined;
      } while (pageToken);
    }
    return versions;
  }

  // ---- end registry pages ----

  // ---- runs-identity: runs by id, for labels (issue 17, item 5) ----

  /**
   * The runs of `runIds` this tracker has, in any experiment, deleted or not: one search
   * over every experiment per 1000 ids (ids of another form name no run here).
   */
  async runsByIds(runIds: string[]): Promise<IRun[]> {
    const wanted = [...new Set(runIds)].filter(id => RUN_ID_FORM.test(id));
    if (!wanted.length) {
      return [];
    }
    const experimentIds = (await this.experiments('ALL')).map(
      e => e.experiment_id
    );
    const runs: IRun[] = [];
    for (let i = 0; i < wanted.length; i += RUNS_BY_IDS_CHUNK) {
      const ids = wanted.slice(i, i + RUNS_BY_IDS_CHUNK);
      let pageToken: string | null = null;
      do {
        const page: IPage<IRun> = await this.searchRuns({
          experiment_ids: experimentIds,
          filter: `attributes.run_id IN (${ids.map(id => `'${id}'`).join(', ')})`,
          run_view_type: 'ALL',
          max_results: RUNS_BY_IDS_CHUNK,
          page_token: pageToken
        });
        runs.push(...page.items);
        pageToken = page.nextPageToken;
      } while (pageToken);
    }
    return runs;
  }

  // ---- end runs-identity ----

  // ---- runs charts (issue 17) ----

  /**
   * One metric's history for many runs in one request (MLflow's
   * `get-history-bulk-interval`), at most `maxPoints` points per run sampled by the
   * server; runs without the metric are absent from the map.
   */
  async metricHistories(
    runIds: string[],
    key: string,
    maxPoints: number
  ): Promise<Map<string, IMetric[]>> {
    const byRun = new Map<string, IMetric[]>();
    for (let i = 0; i < runIds.length; i += BULK_HISTORY_RUNS) {
      const page = await this.request<{
        metrics?: (IMetric & { run_id: string })[];
      }>(
        '2.0/mlflow/metrics/get-history-bulk-interval',
        {},
        {
          run_ids: runIds.slice(i, i + BULK_HISTORY_RUNS),
          metric_key: key,
          max_results: String(maxPoints)
        }
      );
      for (const { run_id, ...point } of page.metrics ?? []) {
        const points = byRun.get(run_id) ?? [];
        points.push(point);
        byRun.set(run_id, points);
      }
    }
    return byRun;
  }

  private async request<T>(
    path: string,
    init: RequestInit = {},
    query: Record<string, string | string[] | undefined> = {}
  ): Promise<T> {
    const response = await this.send(path, init, query);
    if (!response.ok) {
      throw await this.errorOf(response);
    }
    const text = await response.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  private async send(
    path: string,
    init: RequestInit,
    query: Record<string, string | string[] | undefined>
  ): Promise<Response> {
    // A list is a repeated argument (`run_ids=a&run_ids=b`), as the server reads lists.
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(dropUndefined(query))) {
      for (const item of Array.isArray(value) ? value : [value]) {
        search.append(key, item);
      }
    }
    const text = search.toString();
    const url =
      URLExt.join(this.settings.baseUrl, 'tracker', 'api', path) +
      (text ? `?${text}` : '');
    try {
      return await ServerConnection.makeRequest(url, init, this.settings);
    } catch (error) {
      throw new ServerConnection.NetworkError(error as TypeError);
    }
  }

  private async errorOf(response: Response): Promise<TrackerAPIError> {
    let body: { message?: string; error_code?: string } = {};
    try {
      body = await response.json();
    } catch {
      // Not JSON (a proxy's error page): the status text is all we have.
    }
    return new TrackerAPIError(
      body.message ?? response.statusText,
      body.error_code ?? 'INTERNAL_ERROR',
      response.status
    );
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
