// The demo's two languages, English and Korean: which one the page speaks, and the text for a key.
// The language follows the browser (`navigator.languages`): Korean when Korean comes first,
// English otherwise. `?lang=ko` / `?lang=en` overrides it (handy to check a translation).
// Static markup names its strings with data-i18n attributes (see `translatePage`); code calls `t()`.
// Values are plain text: they are always put into the page with textContent / attributes. The
// texts themselves are in strings/en.js and strings/ko.js.
import { en } from './strings/en.js';
import { ko } from './strings/ko.js';

const DICTIONARIES = { en, ko };

function pickLanguage() {
  const forced = new URLSearchParams(location.search).get('lang');
  if (forced && DICTIONARIES[forced]) return forced;
  const wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  for (const tag of wanted) {
    const base = String(tag || '')
      .toLowerCase()
      .split('-')[0];
    if (DICTIONARIES[base]) return base;
  }
  return 'en';
}

export const lang = pickLanguage();
const dictionary = DICTIONARIES[lang];

/** The text for `key` in the page's language, with `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  let text = dictionary[key] ?? en[key];
  if (text === undefined) {
    console.warn(`i18n: no text for "${key}"`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** The message for a failed SDK result (`{code, reason}`). */
export function describeCode(code) {
  const key = `code.${code}`;
  return key in en ? t(key) : t('code.other', { code: code ?? '?' });
}

/**
 * Fills static markup: `data-i18n="key"` sets the text, `data-i18n-attr="attr:key attr2:key2"` sets
 * attributes (aria-label, placeholder, title).
 */
export function translatePage(root = document) {
  document.documentElement.lang = lang;
  document.title = t('app.title');
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of node.dataset.i18nAttr.split(/\s+/).filter(Boolean)) {
      const [attr, key] = pair.split(':');
      node.setAttribute(attr, t(key));
    }
  }
}
