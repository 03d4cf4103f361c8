// The call's side panels (chat, people, breakout groups, devices): one open at a time, opened and
// closed by their toolbar buttons, Escape closes the open one and gives the focus back.
import { $ } from './dom.js';
import { t } from './i18n.js';

const PANELS = ['chat', 'people', 'breakout', 'settings'];

/** @param {import('./room.js').Room} room */
export function wirePanels(room, signal) {
  for (const panel of PANELS) {
    $(`ctl-${panel}`).addEventListener('click', () => showPanel(room, room.openPanel === panel ? null : panel), { signal });
    $(`close-${panel}`).addEventListener('click', () => showPanel(room, null), { signal });
  }
  document.addEventListener(
    'keydown',
    (event) => {
      if (event.key === 'Escape' && room.openPanel) {
        const button = $(`ctl-${room.openPanel}`);
        showPanel(room, null);
        button.focus();
      }
    },
    { signal },
  );
}

export function showPanel(room, name) {
  room.openPanel = name;
  for (const panel of PANELS) {
    $(`${panel}-panel`).hidden = panel !== name;
    $(`ctl-${panel}`).setAttribute('aria-expanded', String(panel === name));
  }
  $('call').dataset.panel = name || '';
  room.chat.setVisible(name === 'chat');
  if (name === 'chat') $('chat-input').focus();
  else if (name) $(`${name}-panel`).querySelector('button, select, input')?.focus();
  room.tiles.layout();
}

export function renderUnread(n) {
  const badge = $('chat-unread');
  badge.hidden = n === 0;
  badge.textContent = String(n);
  // The badge is inside a labelled button: the count belongs in the button's own label.
  const label = n ? t('controls.chatUnreadLabel', { n }) : t('controls.chatLabel');
  $('ctl-chat').setAttribute('aria-label', label);
  $('ctl-chat').title = label;
}
