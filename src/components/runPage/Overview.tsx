/** The run page's Overview tab: details, description, params, final metrics, tags, children. */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { IRun } from '../../api';
import {
  formatDateTime,
  formatDuration,
  formatMetric,
  runDuration
} from '../../format';
import { RunModel } from '../../model/RunModel';
import { idParts, idPartText } from '../../runIdentity';
import { isSystemMetric } from '../../systemMetrics';
import {
  GIT_COMMIT_TAG,
  NOTE_TAG,
  PARENT_RUN_TAG,
  RESERVED_TAG_PREFIX,
  SOURCE_NAME_TAG
} from '../../tags';
import { CopyRunIdButton } from '../RunId';
import { StatusIcon } from '../StatusIcon';
import { Description } from './Description';
import { TagEditor } from './TagEditor';

export interface IOverviewProps {
  model: RunModel;
  run: IRun;
  rendermime: IRenderMimeRegistry | null;
  trans: TranslationBundle;
  onOpenRun(runId: string): void;
  onOpenFile(path: string): void;
  /** Shows the System Metrics tab (where the `system/...` metrics are). */
  onShowSystem(): void;
}

/** A link-looking button: it acts in the page, it goes nowhere. */
export function LinkButton(props: {
  children: React.ReactNode;
  title?: string;
  onClick(): void;
}): JSX.Element {
  return (
    <button
      type="button"
      className="jp-tracker-link"
      title={props.title}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}

export function Overview(props: IOverviewProps): JSX.Element {
  const { model, run, trans } = props;
  const info = run.info;
  const tags = run.data.tags;
  const source = tags[SOURCE_NAME_TAG];
  const parent = tags[PARENT_RUN_TAG];
  const userTags = Object.entries(tags).filter(
    ([k]) => !k.startsWith(RESERVED_TAG_PREFIX)
  );
  const metrics = Object.values(run.data.metrics).sort((a, b) =>
    a.key.localeCompare(b.key)
  );
  const systemCount = metrics.filter(m => isSystemMetric(m.key)).length;

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
        <LinkButton key="src" onClick={() => props.onOpenFile(source)}>
          {source}
        </LinkButton>
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
        <LinkButton
          key="parent"
          title={parent}
          onClick={() => props.onOpenRun(parent)}
        >
          {idPartText(parent, idParts([parent, info.run_id]).get(parent)!)}
        </LinkButton>
      ) : (
        ''
      )
    ]
  ];

  return (
    <div className="jp-tracker-overview">
      <DetailsList rows={rows} />
      <Description
        text={tags[NOTE_TAG] ?? ''}
        rendermime={props.rendermime}
        trans={trans}
        onSave={text => model.setDescription(text)}
      />
      <div className="jp-tracker-overview-tables">
        <KeyValueTable
          title={trans.__('Parameters')}
          rows={Object.entries(run.data.params).sort()}
          trans={trans}
        />
        <KeyValueTable
          title={trans.__('Metrics')}
          rows={metrics
            .filter(m => !isSystemMetric(m.key))
            .map(m => [m.key, formatMetric(m.value)])}
          trans={trans}
          footer={
            systemCount > 0 && (
              <p className="jp-tracker-muted">
                {trans._n(
                  '%1 system metric: ',
                  '%1 system metrics: ',
                  systemCount
                )}
                <LinkButton onClick={props.onShowSystem}>
                  {trans.__('System Metrics')}
                </LinkButton>
              </p>
            )
          }
        />
      </div>
      <TagEditor
        tags={userTags}
        trans={trans}
        onSet={(key, value) => model.setTag(key, value)}
        onDelete={key => model.deleteTag(key)}
      />
      {model.childRuns.length > 0 && (
        <section>
          <h3>{trans.__('Child runs')}</h3>
          <ul className="jp-tracker-child-runs">
            {model.childRuns.map(child => (
              <li key={child.info.run_id}>
                <StatusIcon status={child.info.status} />
                <LinkButton onClick={() => props.onOpenRun(child.info.run_id)}>
                  {child.info.run_name}
                </LinkButton>
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

/** Label and value pairs of a page's header facts, as a description list. */
export function DetailsList(props: {
  rows: [string, React.ReactNode][];
}): JSX.Element {
  return (
    <dl className="jp-tracker-details">
      {props.rows.map(([label, value]) => (
        <React.Fragment key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </React.Fragment>
      ))}
    </dl>
  );
}

export function KeyValueTable(props: {
  title: string;
  rows: [string, string][];
  trans: TranslationBundle;
  footer?: React.ReactNode;
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
      {props.footer}
    </section>
  );
}
