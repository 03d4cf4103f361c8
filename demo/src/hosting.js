// The host's powers over the call itself: ending the meeting for everyone (two presses, then the
// room is destroyed) and removing a member.
import { $ } from './dom.js';
import { describeCode, t } from './i18n.js';
import { showAlert } from './notify.js';

/** The host's "End meeting for everyone": two presses, then the room is destroyed. */
export async function endForEveryone(room) {
  const button = $('end-meeting');
  if (button.dataset.armed !== 'true') {
    button.dataset.armed = 'true';
    button.textContent = t('people.confirmEnd');
    setTimeout(() => {
      button.dataset.armed = 'false';
      button.textContent = t('people.endMeeting');
    }, 4000);
    return;
  }
  button.disabled = true;
  room.endingForAll = true; // our own "room destroyed" notice is expected, not news
  const result = await room.kt.destroyRoom(room.roomId);
  button.disabled = false;
  if (result.code !== '200') {
    room.endingForAll = false;
    showAlert(describeCode(result.code));
    return;
  }
  await room.end(null, { info: t('lobby.endedByYou') });
}

export async function kick(room, userId) {
  const name = room.nameOf(userId);
  const result = await room.kt.kickOut(userId);
  if (result.code !== '200') showAlert(t('people.removeFailed', { name, reason: describeCode(result.code) }));
}
