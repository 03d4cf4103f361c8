// The member list: names, host, microphone/camera state; "Message" opens a private chat, and the
// host can remove a member (two presses, so a slip of the finger does not throw anyone out). The
// host's permit toggles and "Make host" come from permits.js (the `extra` row).
import { $, el, hueOf, initials } from './dom.js';
import { icon } from './icons.js';
import { t } from './i18n.js';

const CONFIRM_MS = 4000;

export class PeoplePanel {
  /**
   * @param {{ onMessage: (userId: string) => void, onKick: (userId: string) => Promise<void>,
   *   extra?: (member: object, where: { me: boolean, amHost: boolean }) => Node|null }} actions
   */
  constructor(actions) {
    this.actions = actions;
    this.list = $('member-list');
    this.armed = null; // the userId whose "Remove" was pressed once
  }

  render(members, { myId, amHost }) {
    const sorted = [...members].sort((a, b) => {
      if (a.id === myId) return -1;
      if (b.id === myId) return 1;
      return (a.name || a.id).localeCompare(b.name || b.id);
    });
    this.list.replaceChildren(...sorted.map((m) => this.item(m, { myId, amHost })));
    $('people-count').textContent = String(members.length);
  }

  item(member, { myId, amHost }) {
    const name = member.name || member.id;
    const me = member.id === myId;
    const avatar = el('span', { class: 'avatar small', 'aria-hidden': 'true' }, el('span', { class: 'initials', text: initials(name) }));
    avatar.style.setProperty('--hue', String(hueOf(member.id)));
    const states = el(
      'span',
      { class: 'states' },
      member.audio === false
        ? el('span', { class: 'state', title: t('people.micOff') }, icon('micOff'), el('span', { class: 'sr-only', text: t('people.micOff') }))
        : null,
      member.video === false
        ? el('span', { class: 'state', title: t('people.camOff') }, icon('camOff'), el('span', { class: 'sr-only', text: t('people.camOff') }))
        : null,
    );
    const actions = el('span', { class: 'member-actions' });
    if (!me) {
      actions.append(
        el('button', {
          type: 'button',
          class: 'small',
          text: t('people.message'),
          'aria-label': t('people.messageLabel', { name }),
          onclick: () => this.actions.onMessage(member.id),
        }),
      );
      if (amHost) actions.append(this.kickButton(member.id, name));
    }
    return el(
      'li',
      { class: 'member', dataset: { userId: member.id } },
      avatar,
      el(
        'span',
        { class: 'member-name' },
        el('span', { class: 'name', text: me ? t('room.you', { name }) : name }),
        member.userType === 'host' ? el('span', { class: 'host-badge', text: t('room.host') }) : null,
      ),
      states,
      actions,
      this.actions.extra?.(member, { me, amHost }) ?? null,
    );
  }

  kickButton(userId, name) {
    const button = el('button', { type: 'button', class: 'small danger', dataset: { action: 'kick' } });
    const idle = () => {
      button.textContent = t('people.remove');
      button.setAttribute('aria-label', t('people.removeLabel', { name }));
      button.dataset.armed = 'false';
    };
    idle();
    button.addEventListener('click', async () => {
      if (button.dataset.armed !== 'true') {
        button.dataset.armed = 'true';
        button.textContent = t('people.confirmRemove');
        button.setAttribute('aria-label', t('people.confirmRemoveLabel', { name }));
        setTimeout(() => button.isConnected && idle(), CONFIRM_MS);
        return;
      }
      button.disabled = true;
      await this.actions.onKick(userId);
      if (button.isConnected) {
        button.disabled = false;
        idle();
      }
    });
    return button;
  }
}
