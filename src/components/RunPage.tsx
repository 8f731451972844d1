/**
 * One run, with MLflow's tab names: Overview and Model Metrics. While the run is RUNNING
 * the page refreshes itself (metrics within the refresh interval, 2 s by default).
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import { editIcon, refreshIcon } from '@jupyterlab/ui-components';
import React, { useCallback, useEffect, useMemo, useState } from 'react';

import { IMetric, IRun, TrackerAPI } from '../api';
import { IChartOptions, metricChartSpec, XAxis } from '../charts';
import {
  formatDateTime,
  formatDuration,
  formatMetric,
  runDuration
} from '../format';
import { idParts, idPartText } from '../runIdentity';
import {
  GIT_COMMIT_TAG,
  NOTE_TAG,
  PARENT_RUN_TAG,
  RESERVED_TAG_PREFIX,
  SOURCE_NAME_TAG
} from '../tags';
import { ArtifactsTab } from './ArtifactsTab';
import { CopyRunIdButton } from './RunId';
import { TagEditor } from './runPage/TagEditor';
import { TabBar } from './TabBar';
import { StatusIcon } from './StatusIcon';
import { MimeView, VegaView } from './VegaView';
import { trackerPoll } from '../model/poll';

const MAX_POINTS = 1000;

export interface IRunPageProps {
  api: TrackerAPI;
  runId: string;
  rendermime: IRenderMimeRegistry | null;
  refreshSeconds: number;
  trans: TranslationBundle;
  isVisible(): boolean;
  onBack(): void;
  onOpenRun(runId: string): void;
  onOpenFile(path: string): void;
  /** Opens a registered model's version in the Models view (after "Register model"). */
  onOpenModelVersion(modelName: string, version: string): void;
}

type Tab = 'overview' | 'metrics' | 'artifacts';

export function RunPage(props: IRunPageProps): JSX.Element {
  const { api, runId, trans } = props;
  const [run, setRun] = useState<IRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('overview');
  const [children, setChildren] = useState<IRun[]>([]);

  const load = useCallback(async () => {
    try {
      const loaded = await api.getRun(runId);
      setRun(loaded);
      setError(null);
      const page = await api.searchRuns({
        experiment_ids: [loaded.info.experiment_id],
        filter: `tags.\`${PARENT_RUN_TAG}\` = '${runId}'`,
        max_results: 1000
      });
      setChildren(page.items);
    } catch (e) {
      setError(String((e as Error).message ?? e));
    }
  }, [api, runId]);

  useEffect(() => {
    void load();
  }, [load]);

  const running = run?.info.status === 'RUNNING';
  useEffect(() => {
    if (!running) {
      return;
    }
    const poll = trackerPoll(
      'jupyterlab-tracker:run',
      load,
      props.refreshSeconds,
      props.isVisible
    );
    return () => poll.dispose();
  }, [running, load, props.refreshSeconds]);

  if (error) {
    return (
      <div className="jp-tracker-run-page">
        <button className="jp-tracker-button" onClick={props.onBack}>
          ← {trans.__('Runs')}
        </button>
        <p className="jp-tracker-error" role="alert">
          {error}
        </p>
      </div>
    );
  }
  if (!run) {
    return <p className="jp-tracker-muted">{trans.__('Loading run…')}</p>;
  }

  return (
    <div className="jp-tracker-run-page" data-run-id={run.info.run_id}>
      <header className="jp-tracker-run-header">
        <button className="jp-tracker-button" onClick={props.onBack}>
          ← {trans.__('Runs')}
        </button>
        <StatusIcon status={run.info.status} />
        <h2 className="jp-tracker-run-title">{run.info.run_name}</h2>
        <span className="jp-tracker-spacer" />
        <button
          className="jp-tracker-icon-button"
          title={trans.__('Refresh')}
          aria-label={trans.__('Refresh run')}
          onClick={() => void load()}
        >
          <refreshIcon.react tag="span" />
        </button>
      </header>
      <TabBar<Tab>
        tabs={[
          ['overview', trans.__('Overview')],
          ['metrics', trans.__('Model Metrics')],
          ['artifacts', trans.__('Artifacts')]
        ]}
        current={tab}
        label={trans.__('Run')}
        onChange={setTab}
      />
      {tab === 'overview' && (
        <Overview {...props} run={run} childRuns={children} onChanged={load} />
      )}
      {tab === 'metrics' && <ModelMetrics {...props} run={run} />}
      {tab === 'artifacts' && (
        <ArtifactsTab
          api={api}
          run={run}
          rendermime={props.rendermime}
          trans={trans}
          onOpenModelVersion={props.onOpenModelVersion}
        />
      )}
    </div>
  );
}

function Overview(
  props: IRunPageProps & { run: IRun; childRuns: IRun[]; onChanged(): void }
): JSX.Element {
  const { api, run, trans } = props;
  const info = run.info;
  const tags = run.data.tags;
  const source = tags[SOURCE_NAME_TAG];
  const parent = tags[PARENT_RUN_TAG];
  const userTags = Object.entries(tags).filter(
    ([k]) => !k.startsWith(RESERVED_TAG_PREFIX)
  );

  const rows: [string, React.ReactNode][] = [
    [trans.__('Status'), <StatusText key="s" run={run} />],
    [
      trans.__('Run ID'),
      <span key="id" className="jp-tracker-run-id-part">
        <code>{info.run_id}</code>
        <CopyRunIdButton runId={info.run_id} trans={trans} />
      </span>
    ],
    [trans.__('Started'), formatDateTime(info.start_time)],
    [trans.__('Ended'), formatDateTime(info.end_time)],
    [
      trans.__('Duration'),
      formatDuration(runDuration(info.start_time, info.end_time))
    ],
    [trans.__('User'), info.user_id],
    [
      trans.__('Source'),
      source ? (
        <a
          key="src"
          href="#"
          className="jp-tracker-link"
          onClick={e => {
            e.preventDefault();
            props.onOpenFile(source);
          }}
        >
          {source}
        </a>
      ) : (
        ''
      )
    ],
    [
      trans.__('Git commit'),
      <code key="git">{tags[GIT_COMMIT_TAG] ?? ''}</code>
    ],
    [
      trans.__('Parent run'),
      parent ? (
        <a
          key="parent"
          href="#"
          className="jp-tracker-link"
          onClick={e => {
            e.preventDefault();
            props.onOpenRun(parent);
          }}
        >
          {idPartText(parent, idParts([parent, info.run_id]).get(parent)!)}
        </a>
      ) : (
        ''
      )
    ]
  ];

  return (
    <div className="jp-tracker-overview">
      <dl className="jp-tracker-details">
        {rows.map(([label, value]) => (
          <React.Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </React.Fragment>
        ))}
      </dl>
      <Description {...props} />
      <div className="jp-tracker-overview-tables">
        <KeyValueTable
          title={trans.__('Parameters')}
          rows={Object.entries(run.data.params).sort()}
          trans={trans}
        />
        <KeyValueTable
          title={trans.__('Metrics')}
          rows={Object.values(run.data.metrics)
            .sort((a, b) => a.key.localeCompare(b.key))
            .map(m => [m.key, formatMetric(m.value)])}
          trans={trans}
        />
      </div>
      <TagEditor
        tags={userTags}
        trans={trans}
        onSet={async (key, value) => {
          await api.setRunTag(info.run_id, key, value);
          props.onChanged();
        }}
        onDelete={async key => {
          await api.deleteRunTag(info.run_id, key);
          props.onChanged();
        }}
      />
      {props.childRuns.length > 0 && (
        <section>
          <h3>{trans.__('Child runs')}</h3>
          <ul className="jp-tracker-child-runs">
            {props.childRuns.map(child => (
              <li key={child.info.run_id}>
                <StatusIcon status={child.info.status} />
                <a
                  href="#"
                  className="jp-tracker-link"
                  onClick={e => {
                    e.preventDefault();
                    props.onOpenRun(child.info.run_id);
                  }}
                >
                  {child.info.run_name}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function StatusText({ run }: { run: IRun }): JSX.Element {
  const status = run.info.status;
  return (
    <span
      className={`jp-tracker-status-text jp-tracker-status-${status.toLowerCase()}`}
    >
      {status.charAt(0) + status.slice(1).toLowerCase()}
    </span>
  );
}

function KeyValueTable(props: {
  title: string;
  rows: [string, string][];
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <section className="jp-tracker-kv">
      <h3>
        {props.title}{' '}
        <span className="jp-tracker-muted">({props.rows.length})</span>
      </h3>
      {props.rows.length === 0 ? (
        <p className="jp-tracker-muted">{props.trans.__('None')}</p>
      ) : (
        <table className="jp-tracker-kv-table">
          <tbody>
            {props.rows.map(([key, value]) => (
              <tr key={key}>
                <th scope="row" title={key}>
                  {key}
                </th>
                <td title={value}>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Description(
  props: IRunPageProps & { run: IRun; onChanged(): void }
): JSX.Element {
  const { api, run, trans, rendermime } = props;
  const text = run.data.tags[NOTE_TAG] ?? '';
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(text);
  return (
    <section className="jp-tracker-description">
      <h3>
        {trans.__('Description')}
        {!editing && (
          <button
            className="jp-tracker-icon-button"
            title={trans.__('Edit description')}
            aria-label={trans.__('Edit description')}
            onClick={() => {
              setDraft(text);
              setEditing(true);
            }}
          >
            <editIcon.react tag="span" />
          </button>
        )}
      </h3>
      {editing ? (
        <div className="jp-tracker-description-editor">
          <textarea
            className="jp-tracker-input"
            rows={6}
            value={draft}
            aria-label={trans.__('Description (Markdown)')}
            onChange={e => setDraft(e.target.value)}
          />
          <div className="jp-tracker-buttons">
            <button
              className="jp-tracker-button"
              onClick={() => setEditing(false)}
            >
              {trans.__('Cancel')}
            </button>
            <button
              className="jp-tracker-button jp-mod-accept"
              onClick={async () => {
                await api.setRunTag(run.info.run_id, NOTE_TAG, draft);
                setEditing(false);
                props.onChanged();
              }}
            >
              {trans.__('Save')}
            </button>
          </div>
        </div>
      ) : text && rendermime ? (
        <MimeView
          rendermime={rendermime}
          mimeType="text/markdown"
          data={text}
          className="jp-tracker-markdown"
        />
      ) : (
        <p className="jp-tracker-muted">{text || trans.__('No description')}</p>
      )}
    </section>
  );
}

function ModelMetrics(props: IRunPageProps & { run: IRun }): JSX.Element {
  const { api, run, trans, rendermime } = props;
  const keys = useMemo(() => Object.keys(run.data.metrics).sort(), [run]);
  const [histories, setHistories] = useState<
    Record<string, { points: IMetric[]; sampled: boolean }>
  >({});
  const [error, setError] = useState<string | null>(null);
  const [options, setOptions] = useState<IChartOptions>({
    xAxis: 'step',
    logScale: false,
    smoothing: 0
  });
  // The latest values change while a run logs: refetch the histories when they do.
  const version = keys
    .map(
      k => `${k}:${run.data.metrics[k].step}:${run.data.metrics[k].timestamp}`
    )
    .join('|');

  useEffect(() => {
    let cancelled = false;
    Promise.all(
      keys.map(k => api.metricHistory(run.info.run_id, k, MAX_POINTS))
    ).then(
      results => {
        if (!cancelled) {
          setError(null);
          setHistories(
            Object.fromEntries(
              results.map((r, i) => [
                keys[i],
                { points: r.metrics, sampled: r.sampled }
              ])
            )
          );
        }
      },
      e => !cancelled && setError(String(e.message ?? e))
    );
    return () => {
      cancelled = true;
    };
  }, [api, run.info.run_id, version]);

  if (keys.length === 0) {
    return (
      <p className="jp-tracker-muted">
        {trans.__('This run has no metrics yet.')}
      </p>
    );
  }
  return (
    <div className="jp-tracker-metrics">
      <div className="jp-tracker-chart-controls">
        <label>
          {trans.__('X axis')}
          <select
            className="jp-tracker-select"
            value={options.xAxis}
            onChange={e =>
              setOptions({ ...options, xAxis: e.target.value as XAxis })
            }
          >
            <option value="step">{trans.__('Step')}</option>
            <option value="time">{trans.__('Time')}</option>
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={options.logScale}
            onChange={e =>
              setOptions({ ...options, logScale: e.target.checked })
            }
          />
          {trans.__('Log scale')}
        </label>
        <label className="jp-tracker-smoothing">
          {trans.__('Smoothing')}
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={options.smoothing}
            aria-label={trans.__('Smoothing')}
            onChange={e =>
              setOptions({ ...options, smoothing: Number(e.target.value) })
            }
          />
          <span className="jp-tracker-muted">
            {options.smoothing.toFixed(2)}
          </span>
        </label>
        <span className="jp-tracker-muted">
          {trans.__('Drag to pan, scroll to zoom')}
        </span>
      </div>
      {error && (
        <p className="jp-tracker-error" role="alert">
          {trans.__('Could not load the metric histories: %1', error)}
        </p>
      )}
      <div className="jp-tracker-chart-grid">
        {keys.map(key => {
          const history = histories[key];
          return (
            <figure key={key} className="jp-tracker-chart" data-metric={key}>
              {history && rendermime ? (
                <VegaView
                  rendermime={rendermime}
                  spec={metricChartSpec(
                    key,
                    [{ name: run.info.run_name, points: history.points }],
                    options
                  )}
                />
              ) : (
                <p className="jp-tracker-muted">
                  {trans.__('Loading %1…', key)}
                </p>
              )}
              <figcaption className="jp-tracker-muted">
                {history &&
                  (history.sampled
                    ? trans.__(
                        '%1 points shown (downsampled by the server)',
                        history.points.length
                      )
                    : trans._n('%1 point', '%1 points', history.points.length))}
              </figcaption>
            </figure>
          );
        })}
      </div>
    </div>
  );
}
