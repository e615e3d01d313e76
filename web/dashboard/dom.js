/**
 * A tiny DOM builder: `h("a", { href: "/x", class: "link" }, "text", child)`.
 * Text children are always set as text, never parsed as HTML.
 */

/** @typedef {Node | string | number | boolean | null | undefined | Child[]} Child */

/**
 * @param {string} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith("on") && typeof value === "function") {
        el.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
      } else if (key === "dataset" && typeof value === "object") {
        for (const [k, v] of Object.entries(/** @type {Record<string, unknown>} */ (value))) {
          if (v !== undefined && v !== null) el.dataset[k] = String(v);
        }
      } else if (key === "style" && typeof value === "object") {
        Object.assign(el.style, value);
      } else if (value === true) {
        el.setAttribute(key, "");
      } else {
        el.setAttribute(key, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

/**
 * @param {Node} parent
 * @param {Child[]} children
 */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === true) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * Replaces an element's content.
 * @param {Element} el
 * @param {...Child} children
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * @param {string} text
 * @returns {Text}
 */
export function text(text) {
  return document.createTextNode(text);
}
