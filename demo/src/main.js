// The demo's entry point: the lobby first; a call when the person joins; back to the lobby (with
// the reason, in words) when the call ends.
import { translatePage, t } from './i18n.js';
import { fillIcons } from './icons.js';
import { loadConfig } from './config.js';
import { LocalMedia } from './media.js';
import { DevicePickers } from './devices.js';
import { Lobby } from './lobby.js';
import { hideAlert, showAlert, wireAlert } from './notify.js';
import { $ } from './dom.js';

$('boot').remove();
translatePage();
fillIcons();
wireAlert();

// The call module imports the SDK: loaded dynamically so that a missing or broken build shows a
// sentence instead of a blank page.
const roomModule = import('./room.js');
roomModule.then(
  ({ idleSdk }) => pickers.useIdle(idleSdk()),
  (err) => {
    console.error(err);
    showAlert(t('error.sdk'));
  },
);

const media = new LocalMedia();
/** The call in progress, if any. */
let room = null;
let config = null;

/**
 * A device picked in the lobby or during the call: in a call the SDK switches what is sent (no
 * renegotiation); in the lobby (or a call that sends nothing) the preview opens the device itself.
 */
async function switchInput(kind, deviceId) {
  if (!(room && (await room.switchDevice(kind, deviceId)))) {
    try {
      const { replaced } = await media.switchDevice(kind, deviceId);
      replaced?.stop();
    } catch (err) {
      console.warn('device switch failed', err);
      showAlert(t('devices.switchFailed'));
    }
  }
  await pickers.refresh();
}

const pickers = new DevicePickers(media, switchInput);
const lobby = new Lobby(media, join);

async function getConfig() {
  if (!config) config = await loadConfig();
  return config;
}

async function join(request) {
  hideAlert();
  let cfg;
  try {
    cfg = await getConfig();
  } catch (err) {
    console.error(err);
    lobby.say(t('error.config'), true);
    return;
  }
  let connect, Room;
  try {
    ({ connect, Room } = await roomModule);
  } catch {
    lobby.say(t('error.sdk'), true);
    return;
  }
  lobby.setBusy(t('lobby.connecting'));
  const result = await connect({ config: cfg, ...request, onStep: (key) => lobby.setBusy(t(key)) });
  lobby.setBusy(null);
  if (result.error) {
    // A room with a PIN: '401' none was given, '411' a wrong one. The PIN field is shown either way.
    const pinCode = result.code === '401' || result.code === '411';
    if (pinCode && !request.create) lobby.askPin(true);
    lobby.say(pinCode && !request.create ? t(result.code === '401' ? 'lobby.pinNeeded' : 'lobby.pinWrong') : result.error, true);
    return;
  }
  lobby.askPin(false);
  lobby.say('');
  lobby.hide();
  room = new Room({ ...result, media, pickers, name: request.name, pin: request.pin, onExit: leaveToLobby });
  await room.guard(() => room.start());
}

function leaveToLobby({ message, info, left }) {
  room = null;
  pickers.detach();
  pickers.moveTo($('lobby-devices'));
  lobby.show();
  if (message) lobby.say(message, true);
  else if (info) lobby.say(info);
  else if (left) lobby.say(t('lobby.left'));
}

lobby.show();
getConfig().catch((err) => {
  console.error(err);
  lobby.say(t('error.config'), true);
});
// Not awaited at the top level: an unanswered permission prompt must not hold up the page's load.
media.start().then(() => pickers.refresh());
