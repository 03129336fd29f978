// browser: the one way this window builds DOM. Text goes in as text nodes (never innerHTML with data), so
// nothing a tunnel or a server says can inject markup.

export type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | boolean | number | undefined | ((ev: Event) => void)>;

/** Build an element: attributes (`on…` are listeners, booleans toggle), then children as nodes or text. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** An element of index.html's fixed frame; a missing one is a bug in the page, not a user error. */
export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
};
