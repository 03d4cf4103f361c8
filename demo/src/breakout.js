// Breakout groups. The host picks members in the Breakout panel and makes a group (createGroup);
// each member on the list is told (presence `createGroup`) and moves there by itself: out of the
// main room, into the group's room, camera sent again. The host ends a group from the main room
// (endGroup): its members are told (`endGroup`) and come back.
import { $, el } from './dom.js';
import { describeCode, t } from './i18n.js';
import { showAlert, toast } from './notify.js';

export class Breakout {
  /** @param {import('./room.js').Room} room */
  constructor(room) {
    this.room = room;
    this.kt = room.kt;
    /** The host's groups: groupId -> { title, members: [{ id, name }] }. */
    this.groups = new Map();
    /** The group we are in: { id, title, mainRoomId }, or null in a main room. */
    this.group = null;
    this.busy = false;
  }

  wire(signal) {
    $('breakout-form').addEventListener(
      'submit',
      (event) => {
        event.preventDefault();
        this.room.guard(() => this.create());
      },
      { signal },
    );
  }

  /** In a room: a group's joinRoom says which main room it belongs to (`parent`). */
  entered(joined) {
    this.group = joined.parent ? { id: joined.roomId, title: joined.title || joined.roomId, mainRoomId: joined.parent } : null;
    $('room-badge').hidden = !this.group;
    this.render();
  }

  /** We are the host of a main room: groups can be made here. */
  canManage() {
    return !this.group && this.room.isHost(this.room.myId);
  }

  onPresence(detail) {
    if (detail.type === 'createGroup' && !this.group) {
      const title = detail.title || t('breakout.untitled');
      toast(t('breakout.moving', { name: this.room.nameOf(detail.user), title }));
      // Not awaited: the move is long, and presence keeps coming (the room collects it meanwhile).
      void this.room.guard(() => this.room.moveTo(detail.groupId));
    } else if (detail.type === 'endGroup' && this.group && detail.groupId === this.group.id) {
      toast(t('breakout.ended'));
      void this.room.guard(() => this.room.moveTo(detail.mainRoomId));
    }
  }

  /** The title of the host's group `userId` went to, for the "left" notice. */
  groupOf(userId) {
    for (const g of this.groups.values()) if (g.members.some((m) => m.id === userId)) return g.title;
    return null;
  }

  async create() {
    if (this.busy || !this.canManage()) return;
    const ids = [...$('breakout-members').querySelectorAll('input:checked')].map((box) => box.value);
    if (ids.length === 0) return showAlert(t('breakout.pickSomeone'));
    const title = $('breakout-title').value.trim() || t('breakout.defaultTitle', { n: this.groups.size + 1 });
    this.busy = true;
    this.render();
    try {
      const made = await this.kt.createGroup(ids, title);
      if (made.code !== '200') return showAlert(t('breakout.failed', { reason: describeCode(made.code) }));
      this.groups.set(made.groupId, { title, members: ids.map((id) => ({ id, name: this.room.nameOf(id) })) });
      $('breakout-title').value = '';
      toast(t('breakout.created', { title }));
    } finally {
      this.busy = false;
      this.render();
    }
  }

  async end(groupId, button) {
    button.disabled = true;
    const result = await this.kt.endGroup(groupId);
    if (result.code !== '200' && result.code !== '451') {
      button.disabled = false;
      return showAlert(t('breakout.endFailed', { reason: describeCode(result.code) }));
    }
    // '451': the group is gone already (everyone left it).
    const group = this.groups.get(groupId);
    this.groups.delete(groupId);
    if (group) toast(t('breakout.endedByYou', { title: group.title }));
    this.render();
  }

  /** The toolbar button (the host's, in a main room) and the panel: members to pick, running groups. */
  render() {
    const manage = this.canManage();
    $('ctl-breakout').hidden = !manage;
    if (!manage && this.room.openPanel === 'breakout') this.room.showPanel(null);
    const list = $('breakout-members');
    const checked = new Set([...list.querySelectorAll('input:checked')].map((box) => box.value));
    const others = this.room.members().filter((m) => m.id !== this.room.myId);
    list.replaceChildren(
      ...others.map((m) => {
        const id = `breakout-pick-${m.id}`.replace(/[^\w-]/g, '_');
        const box = el('input', { type: 'checkbox', id, value: m.id });
        box.checked = checked.has(m.id);
        return el('li', {}, box, el('label', { for: id, text: m.name || m.id }));
      }),
    );
    $('breakout-nobody').hidden = others.length > 0;
    $('breakout-create').disabled = this.busy || others.length === 0;
    $('breakout-none').hidden = this.groups.size > 0;
    $('breakout-groups').replaceChildren(
      ...[...this.groups].map(([groupId, g]) => {
        const end = el('button', { type: 'button', class: 'small danger', text: t('breakout.end'), 'aria-label': t('breakout.endLabel', { title: g.title }) });
        end.addEventListener('click', () => this.room.guard(() => this.end(groupId, end)));
        return el(
          'li',
          { class: 'breakout-group', dataset: { groupId } },
          el(
            'div',
            { class: 'group-info' },
            el('span', { class: 'group-title', text: g.title }),
            el('span', { class: 'note', text: g.members.map((m) => m.name).join(', ') }),
          ),
          end,
        );
      }),
    );
  }
}
