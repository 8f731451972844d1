/** Draws a Vega-Lite spec with JupyterLab's own Vega renderer (no CDN, themes followed). */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import React, { useEffect, useLayoutEffect, useRef } from 'react';

const VEGALITE = 'application/vnd.vegalite.v5+json';

export interface IMimeViewProps {
  rendermime: IRenderMimeRegistry;
  mimeType: string;
  data: unknown;
  className?: string;
}

/** Renders `data` of `mimeType` (Markdown, Vega-Lite, ...) with JupyterLab's renderers. */
export function MimeView({
  rendermime,
  mimeType,
  data,
  className
}: IMimeViewProps): JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  const renderer = useRef<IRenderMime.IRenderer | null>(null);

  // A layout effect: its cleanup runs before React removes the host node, and Lumino
  // can only detach a widget whose node is still in the document.
  useLayoutEffect(() => {
    const created = rendermime.createRenderer(mimeType);
    renderer.current = created;
    if (host.current) {
      Widget.attach(created, host.current);
    }
    return () => {
      renderer.current = null;
      created.dispose();
    };
  }, [rendermime, mimeType]);

  useEffect(() => {
    const model = rendermime.createModel({
      data: { [mimeType]: data as any },
      trusted: mimeType !== 'text/html'
    });
    void renderer.current?.renderModel(model);
  }, [rendermime, mimeType, data]);

  return <div className={className} ref={host} />;
}

export function VegaView(props: {
  rendermime: IRenderMimeRegistry;
  spec: Record<string, unknown>;
  className?: string;
}): JSX.Element {
  return (
    <MimeView
      rendermime={props.rendermime}
      mimeType={VEGALITE}
      data={props.spec}
      className={props.className}
    />
  );
}
