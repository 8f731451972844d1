/**
 * Two versions of a model side by side: stage, aliases and tags, the signature, and the
 * params and metrics of their source runs; rows whose two sides differ are highlighted
 * and "Only differences" hides the others.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useState } from 'react';

import { IModelVersionDetails } from '../api';
import { diffRows, IDiffRow, signatureDiff } from '../registry';
import { runMetrics, SourceRunLink, ValuesTable } from './ModelVersionPage';
import { ErrorLine, RefreshButton } from './RegistryParts';

export function ModelVersionCompare(props: {
  pair: [IModelVersionDetails, IModelVersionDetails];
  error: string | null;
  trans: TranslationBundle;
  onOpenRun(runId: string): void;
  onOpenVersion(version: string): void;
  onBack(): void;
  onReload(): void;
}): JSX.Element {
  const { pair, trans } = props;
  const [a, b] = pair;
  const name = a.model_version.name;
  const [onlyDiffs, setOnlyDiffs] = useState(false);
  const headers = pair.map(d =>
    trans.__('Version %1', d.model_version.version)
  );
  const summary = (d: IModelVersionDetails): Record<string, string> => ({
    [trans.__('Stage')]: d.model_version.current_stage,
    [trans.__('Aliases')]:
      d.model_version.aliases.map(x => `@${x}`).join(' ') || '—',
    [trans.__('Status')]: d.model_version.status,
    ...Object.fromEntries(
      Object.entries(d.model_version.tags).map(([k, v]) => [`tags.${k}`, v])
    )
  });
  const sections: [string, string, IDiffRow[]][] = [
    [
      'summary',
      trans.__('Stage, aliases and tags'),
      diffRows(summary(a), summary(b))
    ],
    [
      'signature',
      trans.__('Signature'),
      signatureDiff(a.model?.signature ?? null, b.model?.signature ?? null)
    ],
    [
      'params',
      trans.__('Parameters of the source runs'),
      diffRows(a.source_run?.data.params ?? {}, b.source_run?.data.params ?? {})
    ],
    [
      'metrics',
      trans.__('Metrics of the source runs'),
      diffRows(runMetrics(a.source_run), runMetrics(b.source_run))
    ]
  ];
  return (
    <section className="jp-tracker-version-compare" data-model={name}>
      <header className="jp-tracker-run-header">
        <button className="jp-tracker-button" onClick={props.onBack}>
          ← {name}
        </button>
        <h2 className="jp-tracker-run-title">
          {trans.__(
            '%1: version %2 and version %3',
            name,
            a.model_version.version,
            b.model_version.version
          )}
        </h2>
        <span className="jp-tracker-spacer" />
        <label className="jp-tracker-compare-control">
          <input
            type="checkbox"
            checked={onlyDiffs}
            onChange={e => setOnlyDiffs(e.target.checked)}
          />
          {trans.__('Only differences')}
        </label>
        <RefreshButton
          label={trans.__('Refresh versions')}
          trans={trans}
          onClick={props.onReload}
        />
      </header>
      <ErrorLine error={props.error} />
      <table className="jp-tracker-kv-table jp-tracker-compare-versions-head">
        <tbody>
          <tr>
            <th scope="row">{trans.__('Version')}</th>
            {pair.map(d => (
              <td key={d.model_version.version}>
                <button
                  className="jp-tracker-link"
                  onClick={() => props.onOpenVersion(d.model_version.version)}
                >
                  {trans.__('Version %1', d.model_version.version)}
                </button>
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row">{trans.__('Source run')}</th>
            {pair.map(d => (
              <td key={d.model_version.version}>
                {d.model_version.run_id ? (
                  <SourceRunLink
                    runId={d.model_version.run_id}
                    run={d.source_run}
                    trans={trans}
                    onOpenRun={props.onOpenRun}
                  />
                ) : (
                  '—'
                )}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      {sections.map(([id, title, rows]) => {
        const shown = onlyDiffs ? rows.filter(r => r.differs) : rows;
        return (
          <section key={id} className="jp-tracker-kv" data-section={id}>
            <h3>
              {title}{' '}
              <span className="jp-tracker-muted">
                {trans.__('(%1 differ)', rows.filter(r => r.differs).length)}
              </span>
            </h3>
            <ValuesTable
              rows={shown}
              headers={headers}
              trans={trans}
              className="jp-tracker-compare-values"
            />
          </section>
        );
      })}
    </section>
  );
}
