import React from 'react';

import { RunStatus } from '../api';

const LABELS: Record<RunStatus, string> = {
  RUNNING: 'Running',
  SCHEDULED: 'Scheduled',
  FINISHED: 'Finished',
  FAILED: 'Failed',
  KILLED: 'Killed'
};

/** Status at a glance: spinner, check, cross, stop sign, clock. */
export function StatusIcon({ status }: { status: RunStatus }): JSX.Element {
  const label = LABELS[status] ?? status;
  return (
    <span
      className={`jp-tracker-status-icon jp-tracker-status-${status.toLowerCase()}`}
      title={label}
      role="img"
      aria-label={label}
    >
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
        {status === 'RUNNING' && (
          <circle
            cx="8"
            cy="8"
            r="6"
            fill="none"
            strokeWidth="2"
            strokeDasharray="26 12"
          />
        )}
        {status === 'FINISHED' && (
          <>
            <circle cx="8" cy="8" r="7" />
            <path d="M4.5 8.2 7 10.6l4.6-5" fill="none" strokeWidth="1.8" />
          </>
        )}
        {status === 'FAILED' && (
          <>
            <circle cx="8" cy="8" r="7" />
            <path
              d="m5.2 5.2 5.6 5.6m0-5.6-5.6 5.6"
              fill="none"
              strokeWidth="1.8"
            />
          </>
        )}
        {status === 'KILLED' && (
          <>
            <path d="M5 1h6l4 4v6l-4 4H5l-4-4V5z" />
            <rect
              x="5"
              y="7"
              width="6"
              height="2"
              rx="0.5"
              className="jp-tracker-icon-cut"
            />
          </>
        )}
        {status === 'SCHEDULED' && (
          <>
            <circle cx="8" cy="8" r="6.5" fill="none" strokeWidth="1.5" />
            <path d="M8 4v4.5l3 1.5" fill="none" strokeWidth="1.5" />
          </>
        )}
      </svg>
    </span>
  );
}
