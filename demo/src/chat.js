// The chat panel: messages to the room or privately to one member (a "whisper").
//
// Messages are rendered with textContent only: whatever someone types (HTML, script, markup) shows
// as the characters they typed and is never interpreted.
import { $, el } from './dom.js';
import { t, lang } from './i18n.js';

const MAX_LENGTH = 1000;
const timeFormat = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });

export class ChatPanel {
  /**
   * @param {(text: string, toUserId: string|undefined) => Promise<{code: string, reason?: string}>} send
   * @param {(unread: number) => void} onUnread
   */
  constructor(send, onUnread) {
    this.send = send;
    this.onUnread = onUnread;
    this.log = $('chat-log');
    this.input = $('chat-input');
    this.to = $('chat-to');
    this.unread = 0;
    this.visible = false;
    /** The host may turn chat off for us (permits.js): then nothing can be sent. */
    this.allowed = true;
    this.names = new Map();
    /** Our display name, for our own messages. */
    this.myName = '';
    this.onSubmit = (event) => {
      event.preventDefault();
      this.submit();
    };
    $('chat-form').addEventListener('submit', this.onSubmit);
    this.input.maxLength = MAX_LENGTH;
  }

  reset() {
    this.log.replaceChildren();
    this.unread = 0;
    this.onUnread(0);
    this.input.value = '';
    $('chat-empty').hidden = false;
    $('chat-error').textContent = '';
    this.setAllowed(true);
  }

  destroy() {
    $('chat-form').removeEventListener('submit', this.onSubmit);
    this.reset();
  }

  /** The recipients list: everyone, or one of the other members. */
  setMembers(members, myId) {
    this.names = new Map(members.map((m) => [m.id, m.name || m.id]));
    const selected = this.to.value;
    const options = [el('option', { value: '', text: t('chat.everyone') })];
    for (const m of members) {
      if (m.id !== myId) options.push(el('option', { value: m.id, text: m.name || m.id }));
    }
    this.to.replaceChildren(...options);
    this.to.value = this.names.has(selected) && selected !== myId ? selected : '';
  }

  /** Chat allowed or not (our permit): the input and the send button follow. */
  setAllowed(allowed) {
    this.allowed = allowed;
    this.input.disabled = !allowed;
    $('chat-send').disabled = !allowed;
  }

  /** Pre-selects a private recipient (from the member list's "Message" button). */
  whisperTo(userId) {
    this.to.value = userId;
    this.input.focus();
  }

  setVisible(visible) {
    this.visible = visible;
    if (visible) {
      this.unread = 0;
      this.onUnread(0);
      this.scrollToEnd();
    }
  }

  async submit() {
    const text = this.input.value.trim();
    if (!text || !this.allowed) return;
    if (text.length > MAX_LENGTH) {
      $('chat-error').textContent = t('chat.tooLong');
      return;
    }
    const to = this.to.value || undefined;
    const button = $('chat-send');
    button.disabled = true;
    $('chat-error').textContent = '';
    try {
      const result = await this.send(text, to);
      if (result.code !== '200') {
        const reason = result.code === '413' ? t('permit.chatRefused') : result.reason || result.code;
        $('chat-error').textContent = t('chat.notSent', { reason });
        return;
      }
      this.input.value = '';
      this.add({ fromName: null, text, mine: true, to });
    } catch (err) {
      $('chat-error').textContent = t('chat.notSent', { reason: (err && err.message) || String(err) });
    } finally {
      button.disabled = !this.allowed;
      if (this.allowed) this.input.focus();
    }
  }

  /**
   * Appends a message. `mine`: sent by us (`to`: the private recipient's id); otherwise `fromName`
   * and `private` (it was addressed to us only).
   */
  add({ fromName, text, mine = false, to, private: isPrivate = false }) {
    $('chat-empty').hidden = true;
    const whisper = mine ? Boolean(to) : isPrivate;
    const meta = el(
      'div',
      { class: 'meta' },
      el('span', { class: 'from', text: mine ? t('room.you', { name: this.myName }) : fromName }),
      whisper ? el('span', { class: 'to', text: mine ? t('chat.privateTo', { name: this.names.get(to) || to }) : t('chat.privateFrom') }) : null,
      el('time', { text: timeFormat.format(new Date()) }),
    );
    const body = el('p', { class: 'text' });
    body.textContent = String(text); // as text, never as HTML
    this.log.append(el('li', { class: `msg${mine ? ' mine' : ''}${whisper ? ' private' : ''}` }, meta, body));
    if (!this.visible && !mine) {
      this.unread++;
      this.onUnread(this.unread);
    }
    this.scrollToEnd();
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }
}
