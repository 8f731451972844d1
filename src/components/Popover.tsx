/**
 * A dropdown panel under a control (the column picker, "All params except…"): shown while
 * `open`, closed by a click outside `container` (the control and the panel) or Escape,
 * as menus do.
 */
import React, { useEffect } from 'react';

export interface IPopoverProps {
  open: boolean;
  /** The element holding the control that opens the panel and the panel itself. */
  container: React.RefObject<HTMLElement>;
  /** Names the panel for assistive technology. */
  label: string;
  onClose(): void;
  children: React.ReactNode;
}

export function Popover(props: IPopoverProps): JSX.Element | null {
  const { open, container, onClose } = props;
  useEffect(() => {
    if (!open) {
      return;
    }
    const onPointer = (event: MouseEvent) => {
      if (!container.current?.contains(event.target as Node)) {
        onClose();
      }
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        onClose();
      }
    };
    document.addEventListener('mousedown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, container, onClose]);
  return open ? (
    <div className="jp-tracker-popover" role="dialog" aria-label={props.label}>
      {props.children}
    </div>
  ) : null;
}
