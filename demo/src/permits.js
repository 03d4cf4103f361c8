// What each member may do (the host decides; the gateway guard enforces it): chat, draw on the
// board, share a screen, start the whiteboard, share a document. The host gets toggles for each
// member in the people panel and can hand the host role on; everyone's own controls follow their
// permit (a control that is not allowed is disabled and says why).
import { $, el } from './dom.js';
import { t } from './i18n.js';
import { showAlert, toast } from './notify.js';

export const PERMITS = ['chat', 'draw', 'screen', 'whiteboard', 'document'];
const ALL = Object.fromEntries(PERMITS.map((p) => [p, true]));
const CONFIRM_MS = 4000;

export class Permits {
  /** @param {import('./room.js').Room} room */
  constructor(room) {
    this.room = room;
    this.kt = room.kt;
    /** userId -> permit, from `permit` presence (newer than a member table that has not caught up). */
    this.latest = new Map();
  }

  entered() {
    this.latest.clear();
    this.apply();
  }

  /** A member's permit; the host may do everything. */
  of(userId) {
    if (this.room.isHost(userId)) return { ...ALL };
    return { ...ALL, ...(this.room.member(userId)?.permit ?? {}), ...(this.latest.get(userId) ?? {}) };
  }

  may(what) {
    return this.of(this.room.myId)[what] !== false;
  }

  onPresence(detail) {
    if (detail.type === 'permit') {
      const before = this.of(detail.user);
      this.latest.set(detail.user, { ...detail.permit });
      if (detail.user === this.room.myId) {
        for (const what of PERMITS) {
          if (before[what] !== detail.permit[what]) toast(t(detail.permit[what] ? 'permit.granted' : 'permit.withdrawn', { what: t(`permit.${what}`) }));
        }
        this.apply();
      }
    } else if (detail.type === 'editRoomInfo') {
      this.apply();
    }
  }

  /** Our own controls, as our permit says. */
  apply() {
    const { room } = this;
    room.chat.setAllowed(this.may('chat'));
    $('chat-blocked').hidden = this.may('chat');
    room.screen.render();
    room.board.render();
  }

  /** The host's row of toggles (and "Make host") for one member of the people panel. */
  controls(member) {
    const permit = this.of(member.id);
    const name = member.name || member.id;
    const chips = PERMITS.map((what) => {
      const allowed = permit[what] !== false;
      return el('button', {
        type: 'button',
        class: 'chip',
        'aria-pressed': String(allowed),
        'aria-label': t(allowed ? 'permit.toggleOff' : 'permit.toggleOn', { what: t(`permit.${what}`), name }),
        title: t(allowed ? 'permit.toggleOff' : 'permit.toggleOn', { what: t(`permit.${what}`), name }),
        dataset: { permit: what },
        text: t(`permit.${what}`),
        onclick: (event) => this.room.guard(() => this.toggle(member.id, what, event.currentTarget)),
      });
    });
    return el('div', { class: 'permits', role: 'group', 'aria-label': t('permit.groupLabel', { name }) }, ...chips, this.hostButton(member.id, name));
  }

  async toggle(userId, what, button) {
    const allowed = this.of(userId)[what] !== false;
    button.disabled = true;
    const args = PERMITS.map((p) => (p === what ? !allowed : undefined));
    const result = await this.kt.permit(userId, ...args);
    if (button.isConnected) button.disabled = false;
    if (result.code !== '200') {
      showAlert(t('permit.failed', { name: this.room.nameOf(userId), code: result.code }));
      return;
    }
    // The guard tells everyone (presence `permit`); shown at once for the host.
    this.latest.set(userId, { ...this.of(userId), [what]: !allowed });
    this.room.refreshMembers();
  }

  /** "Make host", pressed twice (the host role goes, with its powers). */
  hostButton(userId, name) {
    const button = el('button', { type: 'button', class: 'small', dataset: { action: 'make-host' } });
    const idle = () => {
      button.dataset.armed = 'false';
      button.textContent = t('permit.makeHost');
      button.setAttribute('aria-label', t('permit.makeHostLabel', { name }));
    };
    idle();
    button.addEventListener('click', () =>
      this.room.guard(async () => {
        if (button.dataset.armed !== 'true') {
          button.dataset.armed = 'true';
          button.textContent = t('people.confirmRemove');
          button.setAttribute('aria-label', t('permit.confirmHostLabel', { name }));
          setTimeout(() => button.isConnected && idle(), CONFIRM_MS);
          return;
        }
        button.disabled = true;
        const result = await this.kt.editRoomInfo(this.room.roomId, undefined, undefined, userId);
        if (result.code !== '200') {
          if (button.isConnected) {
            button.disabled = false;
            idle();
          }
          showAlert(t('permit.hostFailed', { name, code: result.code }));
        }
      }),
    );
    return button;
  }
}
