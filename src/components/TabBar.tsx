/** A row of tabs (the panel's Experiments/Models, the run page's Overview/...). */
import React from 'react';

export function TabBar<T extends string>(props: {
  tabs: [T, string][];
  current: T;
  label: string;
  className?: string;
  onChange(tab: T): void;
}): JSX.Element {
  return (
    <div
      className={'jp-tracker-tabs ' + (props.className ?? '')}
      role="tablist"
      aria-label={props.label}
    >
      {props.tabs.map(([id, label]) => (
        <button
          key={id}
          role="tab"
          aria-selected={props.current === id}
          className={
            'jp-tracker-tab' + (props.current === id ? ' jp-mod-current' : '')
          }
          onClick={() => props.onChange(id)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
