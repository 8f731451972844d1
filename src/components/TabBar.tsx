/**
 * A row of tabs (the panel's Experiments/Models, the run page's Overview/...), with the
 * WAI-ARIA tabs pattern: one tab in the Tab order (the current one), the arrow keys, Home
 * and End move between tabs and show the tab reached. Give `id` and put `tabPanelProps`
 * on the element the tabs switch.
 */
import React, { useRef } from 'react';

const tabId = (id: string, tab: string) => `${id}-tab-${tab}`;
const panelId = (id: string) => `${id}-panel`;

/** The attributes of the element that shows the current tab of the TabBar `id`. */
export function tabPanelProps(
  id: string,
  current: string
): {
  id: string;
  role: 'tabpanel';
  'aria-labelledby': string;
} {
  return {
    id: panelId(id),
    role: 'tabpanel',
    'aria-labelledby': tabId(id, current)
  };
}

export function TabBar<T extends string>(props: {
  tabs: [T, string][];
  current: T;
  label: string;
  /** Ties the tabs to their panel (see tabPanelProps). */
  id?: string;
  className?: string;
  onChange(tab: T): void;
}): JSX.Element {
  const list = useRef<HTMLDivElement>(null);
  const { tabs, current, id } = props;
  const onKeyDown = (event: React.KeyboardEvent) => {
    const index = tabs.findIndex(([tab]) => tab === current);
    const moves: Record<string, number> = {
      ArrowRight: (index + 1) % tabs.length,
      ArrowLeft: (index - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1
    };
    if (!(event.key in moves)) {
      return;
    }
    event.preventDefault();
    const next = moves[event.key];
    props.onChange(tabs[next][0]);
    list.current
      ?.querySelectorAll<HTMLButtonElement>('[role="tab"]')
      [next]?.focus();
  };
  return (
    <div
      ref={list}
      className={'jp-tracker-tabs ' + (props.className ?? '')}
      role="tablist"
      aria-label={props.label}
      onKeyDown={onKeyDown}
    >
      {tabs.map(([tab, label]) => (
        <button
          key={tab}
          id={id ? tabId(id, tab) : undefined}
          role="tab"
          aria-selected={current === tab}
          aria-controls={id && current === tab ? panelId(id) : undefined}
          tabIndex={current === tab ? 0 : -1}
          className={
            'jp-tracker-tab' + (current === tab ? ' jp-mod-current' : '')
          }
          onClick={() => props.onChange(tab)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
