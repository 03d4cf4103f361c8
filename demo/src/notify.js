// Telling the person what happened: an alert banner for failures (stays until dismissed or
// replaced) and short toasts for comings and goings. Both are live regions, so screen readers
// announce them.
import { $, el } from './dom.js';
import { t } from './i18n.js';

/** Shows a failure, in words. `null` hides the banner. */
export function showAlert(text) {
  const box = $('alert');
  const message = $('alert-text');
  if (!text) {
    box.hidden = true;
    message.textContent = '';
    return;
  }
  message.textContent = text;
  box.hidden = false;
}

export function hideAlert() {
  showAlert(null);
}

/** A short notice that disappears by itself. */
export function toast(text) {
  const box = $('toasts');
  const item = el('div', { class: 'toast', text });
  box.append(item);
  // Keep the last few only: a busy room should not bury the screen in notices.
  while (box.children.length > 3) box.firstElementChild.remove();
  setTimeout(() => item.remove(), 4000);
}

export function wireAlert() {
  $('alert-close').addEventListener('click', hideAlert);
  $('alert-close').setAttribute('aria-label', t('alert.dismiss'));
}
