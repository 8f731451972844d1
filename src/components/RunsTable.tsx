/**
 * The runs table: virtualised rows (only the visible ones are in the DOM, so 10,000 runs
 * scroll smoothly), server-side sort by any column, multi-select and keyboard navigation.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { caretDownIcon, caretRightIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useMemo, useRef, useState } from 'react';

import { IRun } from '../api';
import { ICellLink, IColumn } from '../columns';
import { ITrackerPlace } from '../links';
import { formatMetric } from '../format';
import { groupMean, IRunGroup } from '../grouping';
import { IGroupRow, IRunRow, tableRows } from '../runTree';
import { StatusIcon } from './StatusIcon';

export const ROW_HEIGHT = 28;
/** The sticky header's height, as in the stylesheet (.jp-tracker-th). */
const HEADER_HEIGHT = 30;
const OVERSCAN = 10;
const CHECK_WIDTH = 32;
const STATUS_WIDTH = 28;
const NAME_MIN_WIDTH = 160;
/** The checkbox, status and name cells stay in view while the table scrolls right. */
const STICKY = ' jp-tracker-sticky';
/** How far each level of nesting indents a run's name. */
const INDENT = 16;

export interface ISortState {
  orderBy: string;
  ascending: boolean;
}

export interface IRunsTableProps {
  runs: IRun[];
  /** The runs grouped (group rows over their runs), or null for the plain run tree. */
  groups: IRunGroup[] | null;
  columns: IColumn[];
  selected: Set<string>;
  sort: ISortState;
  trans: TranslationBundle;
  now: number;
  onSort(sort: ISortState): void;
  onSelectionChange(selected: Set<string>): void;
  onOpen(run: IRun): void;
  /** Opens a place a cell links to (a model version of the Models column). */
  onOpenPlace?(place: ITrackerPlace): void;
}

export function RunsTable(props: IRunsTableProps): JSX.Element {
  const { runs, columns, selected, sort, trans, now } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);
  const [active, setActive] = useState(0);
  // Parents are collapsed by default (as in MLflow), groups expanded.
  const [expandedRuns, setExpandedRuns] = useState<ReadonlySet<string>>(
    new Set()
  );
  const [collapsedGroups, setCollapsedGroups] = useState<ReadonlySet<string>>(
    new Set()
  );
  const rows = useMemo(
    () => tableRows(runs, props.groups, expandedRuns, collapsedGroups),
    [runs, props.groups, expandedRuns, collapsedGroups]
  );
  const flip = (set: ReadonlySet<string>, key: string) => {
    const next = new Set(set);
    if (!next.delete(key)) {
      next.add(key);
    }
    return next;
  };
  const toggleExpanded = (row: IRunRow | IGroupRow) =>
    row.kind === 'group'
      ? setCollapsedGroups(flip(collapsedGroups, row.group.key))
      : setExpandedRuns(flip(expandedRuns, row.run.info.run_id));
  // Means of the metric columns per group, computed once per grouping, not on each scroll.
  const means = useMemo(() => {
    const metrics = columns.filter(c => c.kind === 'metric');
    return new Map(
      (props.groups ?? []).map(g => [
        g.key,
        new Map(metrics.map(c => [c.id, groupMean(g, c.key)]))
      ])
    );
  }, [props.groups, columns]);
  const groupSelected = (group: IRunGroup) =>
    group.runs.every(r => selected.has(r.info.run_id));
  const toggleGroup = (group: IRunGroup) => {
    const next = new Set(selected);
    const all = groupSelected(group);
    for (const run of group.runs) {
      if (all) {
        next.delete(run.info.run_id);
      } else {
        next.add(run.info.run_id);
      }
    }
    props.onSelectionChange(next);
  };

  useEffect(() => {
    const node = scroller.current;
    if (!node) {
      return;
    }
    const observer = new ResizeObserver(() =>
      setViewportHeight(node.clientHeight)
    );
    observer.observe(node);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(
    rows.length,
    Math.ceil((scrollTop + viewportHeight) / ROW_HEIGHT) + OVERSCAN
  );
  const template = `${CHECK_WIDTH}px ${STATUS_WIDTH}px minmax(${NAME_MIN_WIDTH}px, 2fr) ${columns.map(c => `${c.width}px`).join(' ')}`;
  // Rows are absolutely positioned, so they cannot widen the table themselves: the
  // content's width is set from the columns, and the one scroller moves rows and header.
  const minWidth =
    CHECK_WIDTH +
    STATUS_WIDTH +
    NAME_MIN_WIDTH +
    columns.reduce((sum, c) => sum + c.width, 0);

  const toggle = (runId: string, additive: boolean) => {
    const next = new Set(additive ? selected : []);
    if (selected.has(runId) && additive) {
      next.delete(runId);
    } else {
      next.add(runId);
    }
    props.onSelectionChange(next);
  };

  const moveTo = (index: number) => {
    const clamped = Math.max(0, Math.min(rows.length - 1, index));
    setActive(clamped);
    const node = scroller.current;
    if (!node) {
      return;
    }
    const top = clamped * ROW_HEIGHT;
    if (top < node.scrollTop) {
      node.scrollTop = top;
    } else if (
      top + HEADER_HEIGHT + ROW_HEIGHT >
      node.scrollTop + node.clientHeight
    ) {
      node.scrollTop = top + HEADER_HEIGHT + ROW_HEIGHT - node.clientHeight;
    }
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    const row = rows[active];
    const run = row?.kind === 'run' ? row.run : undefined;
    const expandable =
      row && (row.kind === 'group' || row.childCount > 0) ? row : null;
    const page = Math.max(1, Math.floor(viewportHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + page,
      PageUp: active - page,
      Home: 0,
      End: rows.length - 1
    };
    if (event.key in moves) {
      moveTo(moves[event.key]);
    } else if (
      expandable &&
      ((event.key === 'ArrowRight' && !expandable.expanded) ||
        (event.key === 'ArrowLeft' && expandable.expanded) ||
        (event.key === 'Enter' && expandable.kind === 'group'))
    ) {
      toggleExpanded(expandable);
    } else if (event.key === ' ' && row?.kind === 'group') {
      toggleGroup(row.group);
    } else if (event.key === ' ' && run) {
      toggle(run.info.run_id, true);
    } else if (event.key === 'Enter' && run) {
      props.onOpen(run);
    } else if (event.key === 'a' && (event.ctrlKey || event.metaKey)) {
      props.onSelectionChange(new Set(runs.map(r => r.info.run_id)));
    } else {
      return;
    }
    event.preventDefault();
  };

  const header = (column: IColumn | null, label: string) => {
    const orderBy = column ? column.orderBy : 'attributes.run_name';
    const sorted = orderBy !== null && sort.orderBy === orderBy;
    return (
      <div
        key={column?.id ?? 'name'}
        role="columnheader"
        className={
          'jp-tracker-th' +
          (orderBy ? ' jp-mod-sortable' : '') +
          (column ? '' : ' jp-tracker-run-name' + STICKY)
        }
        aria-sort={
          sorted ? (sort.ascending ? 'ascending' : 'descending') : 'none'
        }
        title={column ? column.id : trans.__('Run name')}
        onClick={() =>
          orderBy &&
          props.onSort({
            orderBy,
            ascending: sorted ? !sort.ascending : column?.kind !== 'metric'
          })
        }
      >
        <span className="jp-tracker-th-label">{label}</span>
        {sorted && (
          <span className="jp-tracker-sort-arrow">
            {sort.ascending ? '▲' : '▼'}
          </span>
        )}
      </div>
    );
  };

  const caret = (row: IRunRow | IGroupRow, name: string) => (
    <button
      className="jp-tracker-caret"
      tabIndex={-1}
      aria-expanded={row.expanded}
      aria-label={
        row.expanded
          ? trans.__('Collapse %1', name)
          : trans.__('Expand %1', name)
      }
      onClick={e => {
        e.stopPropagation();
        toggleExpanded(row);
      }}
      onDoubleClick={e => e.stopPropagation()}
    >
      {row.expanded ? (
        <caretDownIcon.react tag="span" />
      ) : (
        <caretRightIcon.react tag="span" />
      )}
    </button>
  );

  const groupRow = (row: IGroupRow, index: number) => {
    const { group } = row;
    const all = groupSelected(group);
    return (
      <div
        key={'group:' + group.key}
        role="row"
        aria-rowindex={index + 1}
        aria-level={1}
        aria-expanded={row.expanded}
        aria-selected={all}
        data-group-key={group.key}
        className={
          'jp-tracker-tr jp-tracker-group-row' +
          (index === active ? ' jp-mod-active' : '')
        }
        style={{ top: index * ROW_HEIGHT, gridTemplateColumns: template }}
        onClick={() => {
          setActive(index);
          toggleExpanded(row);
        }}
      >
        <div
          role="gridcell"
          className={'jp-tracker-td jp-tracker-check' + STICKY}
        >
          <input
            type="checkbox"
            tabIndex={-1}
            aria-label={trans.__('Select the runs of %1', group.label)}
            checked={all}
            onClick={e => e.stopPropagation()}
            onChange={() => toggleGroup(group)}
          />
        </div>
        <div
          role="gridcell"
          className={'jp-tracker-td jp-tracker-status-cell' + STICKY}
        />
        <div
          role="gridcell"
          className={'jp-tracker-td jp-tracker-run-name' + STICKY}
          style={{ paddingLeft: 4 }}
          title={group.label}
        >
          {caret(row, group.label)}
          <span className="jp-tracker-group-label">{group.label}</span>
          <span
            className="jp-tracker-child-count"
            title={trans._n('%1 run', '%1 runs', group.runs.length)}
          >
            {group.runs.length}
          </span>
        </div>
        {columns.map(c => {
          const mean = means.get(group.key)?.get(c.id) ?? null;
          return (
            <div
              key={c.id}
              role="gridcell"
              className={
                'jp-tracker-td' + (c.kind === 'metric' ? ' jp-mod-numeric' : '')
              }
              title={
                mean === null ? undefined : trans.__('Mean of %1', c.label)
              }
            >
              {mean === null ? '' : formatMetric(mean)}
            </div>
          );
        })}
      </div>
    );
  };

  const allSelected =
    runs.length > 0 && runs.every(r => selected.has(r.info.run_id));
  return (
    <div
      className="jp-tracker-runs-table"
      role="treegrid"
      aria-rowcount={rows.length}
      aria-multiselectable="true"
      tabIndex={0}
      onKeyDown={onKeyDown}
      ref={scroller}
      onScroll={e => setScrollTop((e.target as HTMLDivElement).scrollTop)}
    >
      <div
        className="jp-tracker-table-content"
        style={
          {
            minWidth,
            '--jp-tracker-status-left': `${CHECK_WIDTH}px`,
            '--jp-tracker-name-left': `${CHECK_WIDTH + STATUS_WIDTH}px`
          } as React.CSSProperties
        }
      >
        <div
          className="jp-tracker-tr jp-tracker-thead"
          role="row"
          style={{ gridTemplateColumns: template }}
        >
          <div
            role="columnheader"
            className={'jp-tracker-th jp-tracker-check' + STICKY}
          >
            <input
              type="checkbox"
              aria-label={trans.__('Select all runs')}
              checked={allSelected}
              onChange={() =>
                props.onSelectionChange(
                  allSelected
                    ? new Set()
                    : new Set(runs.map(r => r.info.run_id))
                )
              }
            />
          </div>
          <div
            role="columnheader"
            className={'jp-tracker-th jp-tracker-status-cell' + STICKY}
            title={trans.__('Status')}
          />
          {header(null, trans.__('Run name'))}
          {columns.map(c =>
            header(c, c.kind === 'attribute' ? trans.__(c.label) : c.label)
          )}
        </div>
        <div className="jp-tracker-tbody">
          <div
            style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}
          >
            {rows.slice(first, last).map((row, offset) => {
              const index = first + offset;
              if (row.kind === 'group') {
                return groupRow(row, index);
              }
              const run = row.run;
              const id = run.info.run_id;
              return (
                <div
                  key={id}
                  role="row"
                  aria-rowindex={index + 1}
                  aria-level={row.depth + 1}
                  aria-expanded={row.childCount ? row.expanded : undefined}
                  aria-selected={selected.has(id)}
                  data-run-id={id}
                  className={
                    'jp-tracker-tr jp-tracker-run-row' +
                    (selected.has(id) ? ' jp-mod-selected' : '') +
                    (index === active ? ' jp-mod-active' : '')
                  }
                  style={{
                    top: index * ROW_HEIGHT,
                    gridTemplateColumns: template
                  }}
                  onClick={e => {
                    setActive(index);
                    toggle(id, e.ctrlKey || e.metaKey || e.shiftKey);
                  }}
                  onDoubleClick={() => props.onOpen(run)}
                >
                  <div
                    role="gridcell"
                    className={'jp-tracker-td jp-tracker-check' + STICKY}
                  >
                    <input
                      type="checkbox"
                      tabIndex={-1}
                      aria-label={trans.__('Select %1', run.info.run_name)}
                      checked={selected.has(id)}
                      onClick={e => e.stopPropagation()}
                      onChange={() => toggle(id, true)}
                    />
                  </div>
                  <div
                    role="gridcell"
                    className={'jp-tracker-td jp-tracker-status-cell' + STICKY}
                  >
                    <StatusIcon status={run.info.status} />
                  </div>
                  <div
                    role="gridcell"
                    className={'jp-tracker-td jp-tracker-run-name' + STICKY}
                    style={{ paddingLeft: 4 + row.depth * INDENT }}
                  >
                    {row.childCount > 0 ? (
                      caret(row, run.info.run_name || id.slice(0, 8))
                    ) : (
                      <span className="jp-tracker-caret-space" />
                    )}
                    <a
                      href="#"
                      tabIndex={-1}
                      onClick={e => {
                        e.preventDefault();
                        e.stopPropagation();
                        props.onOpen(run);
                      }}
                    >
                      {run.info.run_name || id.slice(0, 8)}
                    </a>
                    {row.childCount > 0 && (
                      <span
                        className="jp-tracker-child-count"
                        title={trans._n(
                          '%1 child run',
                          '%1 child runs',
                          row.childCount
                        )}
                      >
                        {row.childCount}
                      </span>
                    )}
                  </div>
                  {columns.map(c => (
                    <div
                      key={c.id}
                      role="gridcell"
                      className={
                        'jp-tracker-td' +
                        (c.kind === 'metric' ? ' jp-mod-numeric' : '')
                      }
                      title={c.title ? c.title(run) : undefined}
                    >
                      {c.links ? (
                        <CellLinks
                          links={c.links(run)}
                          onOpen={props.onOpenPlace}
                        />
                      ) : (
                        c.render(run, now)
                      )}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
          {runs.length === 0 && (
            <div className="jp-tracker-muted jp-tracker-empty">
              {trans.__('No runs match.')}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}

/** A cell's links (the Models column's versions), each opening its place. */
function CellLinks(props: {
  links: ICellLink[];
  onOpen?(place: ITrackerPlace): void;
}): JSX.Element {
  return (
    <span className="jp-tracker-cell-links">
      {props.links.map(link => (
        <button
          key={link.label}
          className="jp-tracker-link"
          tabIndex={-1}
          onClick={e => {
            e.stopPropagation();
            props.onOpen?.(link.place);
          }}
          onDoubleClick={e => e.stopPropagation()}
        >
          {link.label}
        </button>
      ))}
    </span>
  );
}
