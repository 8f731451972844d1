/**
 * Rendering what the store holds. Every name, tag, description and artifact was written
 * by some client of the server, so all of it is untrusted: it is rendered untrusted (never
 * `trusted: true`, whose HTML may run scripts), through a sanitiser stricter than
 * JupyterLab's default, and then through one last pass that drops whatever could still
 * act: script URLs, event handlers, command-linker attributes, forms, inline styles and
 * JupyterLab's own classes (which would let stored text dress up as the application).
 *
 * React text (names, tags, params) needs none of this: React escapes it.
 */
import { Sanitizer } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';

/** Where a link from the store may lead (relative links resolve to the page's scheme). */
const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:']);
/** What an embedded resource (an image) may load. */
const SOURCE_SCHEMES = new Set(['http:', 'https:', 'data:']);
const LINK_ATTRIBUTES = ['href', 'xlink:href', 'action', 'formaction', 'cite'];
const SOURCE_ATTRIBUTES = ['src', 'srcset', 'poster'];
/** Class prefixes of JupyterLab and Lumino: stored content may not borrow their styles. */
const APPLICATION_CLASS = /^(jp|lm|p)-/;

/** The scheme a browser would give `url` (it drops tabs, newlines and leading spaces). */
function scheme(url: string): string | null {
  try {
    return new URL(url, document.baseURI).protocol;
  } catch {
    return null;
  }
}

/** Whether a link to `url` may be rendered as one: http(s), mailto or relative. */
export function isSafeLink(url: string): boolean {
  return LINK_SCHEMES.has(scheme(url) ?? '');
}

/** Drop from sanitised HTML whatever could still run code or act as the application. */
export function stripActiveContent(html: string): string {
  const template = document.createElement('template');
  template.innerHTML = html; // inert: a template's content loads and runs nothing
  for (const element of Array.from(template.content.querySelectorAll('*'))) {
    for (const { name, value } of Array.from(element.attributes)) {
      const lower = name.toLowerCase();
      const unsafe =
        lower.startsWith('on') ||
        lower.startsWith('data-commandlinker') ||
        lower === 'style' ||
        (LINK_ATTRIBUTES.includes(lower) && !isSafeLink(value)) ||
        (SOURCE_ATTRIBUTES.includes(lower) &&
          !SOURCE_SCHEMES.has(scheme(value) ?? ''));
      if (unsafe) {
        element.removeAttribute(name);
      }
    }
    const borrowed = Array.from(element.classList).filter(c =>
      APPLICATION_CLASS.test(c)
    );
    element.classList.remove(...borrowed);
    if (element.tagName === 'A' && element.hasAttribute('href')) {
      element.setAttribute('target', '_blank');
      element.setAttribute('rel', 'noopener noreferrer');
    }
  }
  // A form would submit (navigate JupyterLab away) from any button inside it.
  for (const form of Array.from(template.content.querySelectorAll('form'))) {
    form.replaceWith(...Array.from(form.childNodes));
  }
  return template.innerHTML;
}

/** JupyterLab's sanitiser, stricter, followed by `stripActiveContent`. */
class StoreSanitizer implements IRenderMime.ISanitizer {
  constructor() {
    this._base.setAllowCommandLinker(false);
    this._base.setAllowNamedProperties(false);
    this._base.setAllowedSchemes([...LINK_SCHEMES].map(s => s.slice(0, -1)));
  }

  readonly allowNamedProperties = false;
  readonly allowCommandLinker = false;

  getAutolink(): boolean {
    return true;
  }

  sanitize(dirty: string, options?: IRenderMime.ISanitizerOptions): string {
    return stripActiveContent(this._base.sanitize(dirty, options));
  }

  private readonly _base = new Sanitizer();
}

const storeSanitizer = new StoreSanitizer();
const registries = new WeakMap<IRenderMimeRegistry, IRenderMimeRegistry>();

/**
 * The application's renderers with the store's sanitiser. Render only untrusted models
 * with it (trusted HTML skips the sanitiser). LaTeX is still typeset after sanitising:
 * JupyterLab's MathJax filters its own output (`\href{javascript:...}` gives no link).
 */
export function storeRendermime(
  rendermime: IRenderMimeRegistry
): IRenderMimeRegistry {
  let registry = registries.get(rendermime);
  if (!registry) {
    registry = rendermime.clone({ sanitizer: storeSanitizer });
    registries.set(rendermime, registry);
  }
  return registry;
}
