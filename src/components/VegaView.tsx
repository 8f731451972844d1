/**
 * Draws store content (Markdown, Vega-Lite specs of store data) with JupyterLab's own
 * renderers (no CDN, themes followed), always untrusted: see `untrusted.ts`.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import React, { useEffect, useLayoutEffect, useRef, useState } from 'react';

import { storeRendermime } from '../untrusted';

const VEGALITE = 'application/vnd.vegalite.v5+json';
const THEME_SETTLE_MS = 250;

export interface IMimeViewProps {
  rendermime: IRenderMimeRegistry;
  mimeType: string;
  data: unknown;
  /** The renderer's options, e.g. Vega's `embed_options`. */
  metadata?: Record<string, unknown>;
  className?: string;
  /** Called with the Vega view each time one is drawn (the renderer's vega-embed result). */
  onView?: (view: unknown) => void;
  /**
   * False: JupyterLab's Vega renderer makes no PNG snapshot after drawing (it skips it
   * when the bundle already has an `image/png`, which is never shown here).
   */
  png?: boolean;
}

/** A 1x1 transparent PNG: the bundle's `image/png` when no snapshot is wanted. */
const NO_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** JupyterLab's current theme, light or dark (renderers such as Vega's follow it). */
export function useThemeIsLight(): boolean {
  const read = () => document.body.dataset.jpThemeLight !== 'false';
  const [light, setLight] = useState(read);
  useEffect(() => {
    let timer = 0;
    // Redraw once the new theme's styles are laid out: a chart sized to its container
    // measures zero width while the theme is being swapped.
    const observer = new MutationObserver(() => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => setLight(read()), THEME_SETTLE_MS);
    });
    observer.observe(document.body, {
      attributes: true,
      attributeFilter: ['data-jp-theme-light']
    });
    return () => {
      window.clearTimeout(timer);
      observer.disconnect();
    };
  }, []);
  return light;
}

/** Renders `data` of `mimeType` (Markdown, Vega-Lite, ...), untrusted and sanitised. */
export function MimeView({
  rendermime: appRendermime,
  mimeType,
  data,
  metadata,
  className,
  onView,
  png = true
}: IMimeViewProps): JSX.Element {
  const rendermime = storeRendermime(appRendermime);
  const host = useRef<HTMLDivElement>(null);
  const renderer = useRef<IRenderMime.IRenderer | null>(null);
  // Drawn again when the theme changes: charts take their colours when drawn.
  const themeIsLight = useThemeIsLight();
  const viewCallback = useRef(onView);
  viewCallback.current = onView;
  const drawQueue = useRef<Promise<void>>(Promise.resolve());
  const latestDraw = useRef(0);

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
      data: png
        ? { [mimeType]: data as any }
        : { [mimeType]: data as any, 'image/png': NO_PNG },
      // A copy: renderers may write into it (Vega's sets its theme there).
      metadata: metadata
        ? { [mimeType]: JSON.parse(JSON.stringify(metadata)) }
        : {},
      // Everything shown here came from the store: never trusted, whatever the type.
      trusted: false
    });
    const drawing = renderer.current;
    const ticket = ++latestDraw.current;
    const current = () =>
      ticket === latestDraw.current && renderer.current === drawing;
    // One draw at a time, and only the newest: JupyterLab's Vega renderer keeps the
    // last vega-embed result to finish as `_result`, so two overlapping draws (data
    // arriving twice in quick succession) can leave it holding the older, replaced
    // view while the newer one is on screen, and a resize would then reach a view
    // that is no longer drawn.
    drawQueue.current = drawQueue.current.then(async () => {
      if (!drawing || !current()) {
        return;
      }
      try {
        await drawing.renderModel(model);
      } catch {
        // Also after a failure: the renderer draws the view, then makes a PNG of it,
        // and the PNG of a view replaced meanwhile fails.
      }
      // JupyterLab's Vega renderer keeps vega-embed's result as `_result`.
      const view = (drawing as unknown as { _result?: { view?: unknown } })
        ._result?.view;
      if (view && current()) {
        viewCallback.current?.(view);
      }
    });
  }, [rendermime, mimeType, data, metadata, themeIsLight, png]);

  return <div className={className} ref={host} />;
}

/**
 * The chart menu offers exports only: vega-embed's "View Source" and "View Compiled Vega"
 * write the spec (store strings and all) unescaped into a new window of JupyterLab's
 * origin, and "Open in Vega Editor" sends it to another site.
 */
const CHART_ACTIONS = {
  export: true,
  source: false,
  compiled: false,
  editor: false
};
const CANVAS_OPTIONS = { embed_options: { actions: CHART_ACTIONS } };
const SVG_OPTIONS = {
  embed_options: { actions: CHART_ACTIONS, renderer: 'svg' }
};

/** What of a Vega view following its container's width needs. */
interface ISizedView {
  container(): HTMLElement | null;
  width(): number;
  width(value: number): ISizedView;
  runAsync(): Promise<unknown>;
}

/**
 * Keeps a `width: "container"` chart as wide as its container: Vega measures the
 * container when it draws and again only on a window resize, but panels resize
 * without one (a split, the sidebar, a drag of the dock's handle).
 */
function followContainerWidth(view: ISizedView): ResizeObserver | null {
  const container = view.container?.();
  if (!container || typeof ResizeObserver === 'undefined') {
    return null;
  }
  const observer = new ResizeObserver(() => {
    // What Vega-Lite's `containerSize()[0]` reads.
    const width = container.clientWidth;
    if (width > 0 && Math.abs(width - view.width()) >= 1) {
      void view.width(width).runAsync();
    }
  });
  observer.observe(container);
  return observer;
}

export function VegaView(props: {
  rendermime: IRenderMimeRegistry;
  spec: Record<string, unknown>;
  /** SVG keeps marks in the DOM (hover, tests); canvas (the default) suits long series. */
  renderer?: 'svg' | 'canvas';
  className?: string;
  /** Called with the Vega view each time the chart is drawn. */
  onView?: (view: unknown) => void;
  /** False: no PNG snapshot of the chart after drawing (see `IMimeViewProps.png`). */
  png?: boolean;
}): JSX.Element {
  const follows = props.spec.width === 'container';
  const observer = useRef<ResizeObserver | null>(null);
  useEffect(() => () => observer.current?.disconnect(), []);
  const onView = (view: unknown) => {
    observer.current?.disconnect();
    observer.current = follows
      ? followContainerWidth(view as ISizedView)
      : null;
    props.onView?.(view);
  };
  return (
    <MimeView
      rendermime={props.rendermime}
      mimeType={VEGALITE}
      data={props.spec}
      metadata={props.renderer === 'svg' ? SVG_OPTIONS : CANVAS_OPTIONS}
      className={props.className}
      onView={onView}
      png={props.png}
    />
  );
}
