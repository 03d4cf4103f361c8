// Small DOM helpers. Everything user-provided goes into the page through textContent or
// attributes, never through innerHTML: names and chat messages are text, whatever they contain.

export const $ = (id) => document.getElementById(id);

/**
 * Creates an element: `el('li', { class: 'msg', dataset: { user } }, child, 'text', ...)`.
 * String children become text nodes.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** Up to two initials of a display name, for the avatar shown when a camera is off. */
export function initials(name) {
  const words = String(name || '?')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) return '?';
  const first = Array.from(words[0]);
  // Korean names are usually one word: show its first syllable, as Korean apps do.
  if (words.length === 1)
    return first
      .slice(0, /^[\u3131-\uD79D]/.test(first[0]) ? 1 : 2)
      .join('')
      .toUpperCase();
  return (Array.from(words[0])[0] + Array.from(words[words.length - 1])[0]).toUpperCase();
}

/** A stable hue for a user id, so each person's avatar keeps its colour. */
export function hueOf(id) {
  let h = 0;
  for (const ch of String(id)) h = (h * 31 + ch.codePointAt(0)) % 360;
  return h;
}
