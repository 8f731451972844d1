/**
 * A row of tabs (the panel's Experiments/Models, the run page's Overview/...), as WAI-ARIA's
 * tabs pattern: one tab in the Tab order (the current one), arrow keys, Home and End move
 * to and open the others; `tabPanelProps` links a panel to its tab.
 */
import React, { useRef } from 'react';

/** The tab a key moves to from `index` of `count` (wrapping), or null for other keys. */
export function tabAfterKey(
  key: string,
  index: number,
  count: number
): number | null {
  switch (key) {
    case 'ArrowRight':
      return (index + 1) % count;
    case 'ArrowLeft':
      return (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

const tabId = (prefix: string, tab: string) => `${prefix}-tab-${tab}`;
const panelId = (prefix: string, tab: string) => `${prefix}-panel-${tab}`;

/** The attributes of the panel shown for `tab` of the bar with this `idPrefix`. */
export function tabPanelProps(idPrefix: string, tab: string) {
  return {
    role: 'tabpanel',
    id: panelId(idPrefix, tab),
    'aria-labelledby': tabId(idPrefix, tab),
    tabIndex: 0
  };
}

export function TabBar<T extends string>(props: {
  tabs: [T, string][];
  current: T;
  label: string;
  className?: string;
  /** Ids for the tabs and their panels (`tabPanelProps`); no ids without it. */
  idPrefix?: string;
  onChange(tab: T): void;
}): JSX.Element {
  const { tabs, idPrefix } = props;
  const bar = useRef<HTMLDivElement>(null);
  const onKeyDown = (event: React.KeyboardEvent, index: number) => {
    const next = tabAfterKey(event.key, index, tabs.length);
    if (next === null) {
      return;
    }
    event.preventDefault();
    props.onChange(tabs[next][0]);
    bar.current?.querySelectorAll<HTMLElement>('[role="tab"]')[next]?.focus();
  };
  return (
    <div
      ref={bar}
      className={'jp-tracker-tabs ' + (props.className ?? '')}
      role="tablist"
      aria-label={props.label}
    >
      {tabs.map(([id, label], index) => {
        const current = props.current === id;
        return (
          <button
            key={id}
            role="tab"
            id={idPrefix && tabId(idPrefix, id)}
            // Only the current tab's panel is in the page.
            aria-controls={
              idPrefix && current ? panelId(idPrefix, id) : undefined
            }
            aria-selected={current}
            tabIndex={current ? 0 : -1}
            className={'jp-tracker-tab' + (current ? ' jp-mod-current' : '')}
            onClick={() => props.onChange(id)}
            onKeyDown={event => onKeyDown(event, index)}
          >
            {label}
          </button>
        );
      })}
    </div>
  );
}
