/**
 * The runs table: virtualised rows (only the visible ones are in the DOM, so 10,000 runs
 * scroll smoothly), server-side sort by any column, multi-select and keyboard navigation.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useRef, useState } from 'react';

import { IRun } from '../api';
import { IColumn } from '../columns';
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

export interface ISortState {
  orderBy: string;
  ascending: boolean;
}

export interface IRunsTableProps {
  runs: IRun[];
  columns: IColumn[];
  selected: Set<string>;
  sort: ISortState;
  trans: TranslationBundle;
  now: number;
  onSort(sort: ISortState): void;
  onSelectionChange(selected: Set<string>): void;
  onOpen(run: IRun): void;
}

export function RunsTable(props: IRunsTableProps): JSX.Element {
  const { runs, columns, selected, sort, trans, now } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);
  const [active, setActive] = useState(0);

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
    runs.length,
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
    const clamped = Math.max(0, Math.min(runs.length - 1, index));
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
    const run = runs[active];
    const page = Math.max(1, Math.floor(viewportHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + page,
      PageUp: active - page,
      Home: 0,
      End: runs.length - 1
    };
    if (event.key in moves) {
      moveTo(moves[event.key]);
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

  const allSelected =
    runs.length > 0 && runs.every(r => selected.has(r.info.run_id));
  return (
    <div
      className="jp-tracker-runs-table"
      role="grid"
      aria-rowcount={runs.length}
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
            style={{ height: runs.length * ROW_HEIGHT, position: 'relative' }}
          >
            {runs.slice(first, last).map((run, offset) => {
              const index = first + offset;
              const id = run.info.run_id;
              return (
                <div
                  key={id}
                  role="row"
                  aria-rowindex={index + 1}
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
                  >
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
                      {c.render(run, now)}
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
