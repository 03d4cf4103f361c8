// Every user-visible string of the demo, in English and Korean.
//
// The language follows the browser (`navigator.languages`): Korean when Korean comes first,
// English otherwise. `?lang=ko` / `?lang=en` overrides it (handy to check a translation).
// Static markup names its strings with data-i18n attributes (see `translatePage`); code calls `t()`.
// Values are plain text: they are always put into the page with textContent / attributes.

const en = {
  'app.title': 'Knowledgetalk Meet',
  'app.tagline': 'Video meetings on your own Janus gateway',

  // lobby
  'lobby.heading': 'Join a meeting',
  'lobby.name': 'Your name',
  'lobby.namePlaceholder': 'e.g. Minji Kim',
  'lobby.room': 'Room id',
  'lobby.roomPlaceholder': 'e.g. team-standup',
  'lobby.roomHint': 'Letters, digits, - and _. Leave it empty to create a new room with a fresh id.',
  'lobby.join': 'Join room',
  'lobby.create': 'Create new room',
  'lobby.options': 'Options for a new room',
  'lobby.title': 'Meeting title',
  'lobby.capacity': 'Maximum participants',
  'lobby.capacityHint': 'Empty: no limit',
  'lobby.link': 'Link to this room',
  'lobby.copy': 'Copy link',
  'lobby.copied': 'Link copied. Send it to the others.',
  'lobby.copyManually': 'Copy the selected link and send it to the others.',
  'lobby.preview': 'Your camera preview',
  'lobby.cameraOff': 'Your camera is off',
  'lobby.noCameraShort': 'No camera',
  'lobby.connecting': 'Connecting…',
  'lobby.creating': 'Creating the room…',
  'lobby.joining': 'Joining…',
  'lobby.needName': 'Please enter your name.',
  'lobby.badRoomId': 'Room ids are 1–64 letters, digits, - or _.',
  'lobby.needRoom': 'Enter the id of the room to join, or create a new room.',
  'lobby.left': 'You left the meeting.',
  'lobby.rejoin': 'Rejoin',

  // devices
  'devices.heading': 'Devices',
  'devices.camera': 'Camera',
  'devices.microphone': 'Microphone',
  'devices.speaker': 'Speaker',
  'devices.default': 'Default',
  'devices.none': 'None found',
  'devices.unnamed': '{kind} {n}',
  'devices.speakerUnsupported': 'This browser cannot choose the speaker: sound plays on the system default output.',
  'devices.switchFailed': 'Could not switch to that device.',

  // media problems (lobby and room)
  'media.waiting': 'Waiting for permission to use your camera and microphone…',
  'media.denied': 'Camera and microphone access is blocked. Allow it in the browser (the camera icon in the address bar), then reload the page. You can still join to watch and listen.',
  'media.cameraDenied': 'Camera access is blocked. Allow it in the browser, then reload the page. You can join with your microphone only.',
  'media.micDenied': 'Microphone access is blocked. Allow it in the browser, then reload the page. Others will not hear you.',
  'media.noCamera': 'No camera found. You can join with your microphone only.',
  'media.noMic': 'No microphone found. Others will not hear you.',
  'media.noDevices': 'No camera or microphone found. You can still join to watch and listen.',
  'media.busy': 'Your camera or microphone is in use by another application.',
  'media.insecure': 'This page cannot use the camera: open it over https:// or http://localhost.',
  'media.failed': 'Your camera or microphone could not be started.',

  // call errors, by result code
  'code.400': 'The request was rejected (code 400).',
  'code.401': 'The video server refused to let you in (authentication failed).',
  'code.413': 'You are not allowed to do that.',
  'code.422': 'Room ids are 1–64 letters, digits, - or _.',
  'code.440': 'Someone else is already sharing their screen.',
  'code.441': 'There is no room with this id. Check the link, or create a new room.',
  'code.442': 'You are already in this room (in another tab?).',
  'code.443': 'A room with this id already exists. Join it, or choose another id.',
  'code.444': 'This room is full.',
  'code.500': 'The video server had an error. Try again.',
  'code.504': 'Cannot reach the video server. Check your connection, or whether the gateway is running, and try again.',
  'code.570': 'The media server had an error. Try again.',
  'code.other': 'Something went wrong (code {code}).',
  'error.sdk': 'The video SDK did not load. Run `npm run build` and reload.',
  'error.config': 'Could not read the demo configuration (/config.json).',
  'error.disconnected': 'The connection to the video server was lost.',
  'status.reconnecting': 'Connection to the video server dropped. Reconnecting…',
  'status.reconnected': 'Reconnected.',
  'error.kicked': 'The host removed you from the meeting.',
  'error.roomClosed': 'The meeting was ended.',
  'error.publish': 'Sending your camera failed. Others cannot see or hear you.',
  'error.subscribe': 'Could not receive the video of {name}.',
  'error.share': 'Your screen could not be shared.',
  'error.unexpected': 'Something went wrong: {message}',
  'alert.dismiss': 'Dismiss',

  // room
  'room.label': 'Meeting',
  'room.copyLink': 'Copy link',
  'room.members': '{n} in the meeting',
  'room.you': '{name} (you)',
  'room.host': 'Host',
  'room.screenOf': '{name} is presenting',
  'room.yourScreen': 'You are presenting',
  'room.muted': 'Muted',
  'room.cameraOff': 'Camera off',
  'room.speaking': 'Speaking',
  'room.joined': '{name} joined',
  'room.left': '{name} left',
  'room.startedSharing': '{name} started sharing their screen',
  'room.connectingVideo': 'Connecting video…',
  'room.clickForSound': 'Click to turn the sound on',

  // controls
  'controls.toolbar': 'Call controls',
  'controls.mute': 'Mute',
  'controls.unmute': 'Unmute',
  'controls.muteLabel': 'Mute microphone',
  'controls.unmuteLabel': 'Unmute microphone',
  'controls.camOff': 'Stop video',
  'controls.camOn': 'Start video',
  'controls.camOffLabel': 'Turn camera off',
  'controls.camOnLabel': 'Turn camera on',
  'controls.noCamera': 'No camera',
  'controls.noMic': 'No microphone',
  'controls.share': 'Present',
  'controls.shareLabel': 'Share your screen',
  'controls.stopShare': 'Stop presenting',
  'controls.stopShareLabel': 'Stop sharing your screen',
  'controls.shareUnsupported': 'This browser cannot share the screen.',
  'controls.chat': 'Chat',
  'controls.chatLabel': 'Show chat',
  'controls.people': 'People',
  'controls.peopleLabel': 'Show people in the meeting',
  'controls.settings': 'Devices',
  'controls.settingsLabel': 'Camera, microphone and speaker',
  'controls.leave': 'Leave',
  'controls.leaveLabel': 'Leave the meeting',
  'controls.unread': '{n} unread',
  'controls.chatUnreadLabel': 'Show chat, {n} unread',

  // panels
  'panel.close': 'Close',
  'chat.heading': 'Chat',
  'chat.to': 'To',
  'chat.everyone': 'Everyone',
  'chat.placeholder': 'Write a message',
  'chat.send': 'Send',
  'chat.empty': 'No messages yet. Messages are visible to people in the meeting now.',
  'chat.privateTo': 'to {name} (private)',
  'chat.privateFrom': 'to you (private)',
  'chat.notSent': 'Not sent: {reason}',
  'chat.tooLong': 'The message is too long.',
  'people.heading': 'People',
  'people.message': 'Message',
  'people.messageLabel': 'Send a private message to {name}',
  'people.remove': 'Remove',
  'people.removeLabel': 'Remove {name} from the meeting',
  'people.confirmRemove': 'Confirm',
  'people.confirmRemoveLabel': 'Press again to remove {name}',
  'people.removeFailed': 'Could not remove {name}: {reason}',
  'people.micOff': 'microphone off',
  'people.endMeeting': 'End meeting for everyone',
  'people.confirmEnd': 'Press again to end the meeting for everyone',
  'lobby.endedByYou': 'You ended the meeting for everyone.',
  'people.camOff': 'camera off',
};

const ko = {
  'app.title': 'Knowledgetalk Meet',
  'app.tagline': '직접 운영하는 Janus 게이트웨이 위의 화상회의',

  'lobby.heading': '회의 참여',
  'lobby.name': '이름',
  'lobby.namePlaceholder': '예: 김민지',
  'lobby.room': '방 ID',
  'lobby.roomPlaceholder': '예: team-standup',
  'lobby.roomHint': '영문자, 숫자, -, _ 만 쓸 수 있습니다. 비워 두면 새 ID로 방을 만듭니다.',
  'lobby.join': '방 참여하기',
  'lobby.create': '새 방 만들기',
  'lobby.options': '새 방 옵션',
  'lobby.title': '회의 제목',
  'lobby.capacity': '최대 참여 인원',
  'lobby.capacityHint': '비워 두면 제한 없음',
  'lobby.link': '이 방의 링크',
  'lobby.copy': '링크 복사',
  'lobby.copied': '링크를 복사했습니다. 다른 참여자에게 보내세요.',
  'lobby.copyManually': '선택된 링크를 복사해서 다른 참여자에게 보내세요.',
  'lobby.preview': '내 카메라 미리보기',
  'lobby.cameraOff': '카메라가 꺼져 있습니다',
  'lobby.noCameraShort': '카메라 없음',
  'lobby.connecting': '연결 중…',
  'lobby.creating': '방을 만드는 중…',
  'lobby.joining': '참여하는 중…',
  'lobby.needName': '이름을 입력하세요.',
  'lobby.badRoomId': '방 ID는 영문자, 숫자, -, _ 로 된 1~64자입니다.',
  'lobby.needRoom': '참여할 방 ID를 입력하거나 새 방을 만드세요.',
  'lobby.left': '회의에서 나왔습니다.',
  'lobby.rejoin': '다시 참여',

  'devices.heading': '장치',
  'devices.camera': '카메라',
  'devices.microphone': '마이크',
  'devices.speaker': '스피커',
  'devices.default': '기본값',
  'devices.none': '찾을 수 없음',
  'devices.unnamed': '{kind} {n}',
  'devices.speakerUnsupported': '이 브라우저에서는 스피커를 선택할 수 없습니다. 시스템 기본 출력으로 재생됩니다.',
  'devices.switchFailed': '그 장치로 바꾸지 못했습니다.',

  'media.waiting': '카메라와 마이크 사용 권한을 기다리는 중…',
  'media.denied': '카메라와 마이크 접근이 차단되어 있습니다. 브라우저 주소창의 카메라 아이콘에서 허용한 뒤 페이지를 새로 고치세요. 보고 듣기만 하며 참여할 수도 있습니다.',
  'media.cameraDenied': '카메라 접근이 차단되어 있습니다. 브라우저에서 허용한 뒤 새로 고치세요. 마이크만으로 참여할 수 있습니다.',
  'media.micDenied': '마이크 접근이 차단되어 있습니다. 브라우저에서 허용한 뒤 새로 고치세요. 다른 사람에게 내 소리가 들리지 않습니다.',
  'media.noCamera': '카메라를 찾을 수 없습니다. 마이크만으로 참여할 수 있습니다.',
  'media.noMic': '마이크를 찾을 수 없습니다. 다른 사람에게 내 소리가 들리지 않습니다.',
  'media.noDevices': '카메라와 마이크를 찾을 수 없습니다. 보고 듣기만 하며 참여할 수 있습니다.',
  'media.busy': '다른 프로그램이 카메라나 마이크를 사용하고 있습니다.',
  'media.insecure': '이 페이지에서는 카메라를 쓸 수 없습니다. https:// 또는 http://localhost 로 여세요.',
  'media.failed': '카메라나 마이크를 시작하지 못했습니다.',

  'code.400': '요청이 거부되었습니다 (코드 400).',
  'code.401': '영상 서버가 입장을 거부했습니다 (인증 실패).',
  'code.413': '그 작업을 할 권한이 없습니다.',
  'code.422': '방 ID는 영문자, 숫자, -, _ 로 된 1~64자입니다.',
  'code.440': '다른 사람이 이미 화면을 공유하고 있습니다.',
  'code.441': '이 ID의 방이 없습니다. 링크를 확인하거나 새 방을 만드세요.',
  'code.442': '이미 이 방에 참여 중입니다 (다른 탭에서?).',
  'code.443': '이 ID의 방이 이미 있습니다. 그 방에 참여하거나 다른 ID를 고르세요.',
  'code.444': '방이 가득 찼습니다.',
  'code.500': '영상 서버에 오류가 있습니다. 다시 시도하세요.',
  'code.504': '영상 서버에 연결할 수 없습니다. 네트워크나 게이트웨이 실행 여부를 확인하고 다시 시도하세요.',
  'code.570': '미디어 서버에 오류가 있습니다. 다시 시도하세요.',
  'code.other': '문제가 생겼습니다 (코드 {code}).',
  'error.sdk': '영상 SDK를 불러오지 못했습니다. `npm run build` 후 새로 고치세요.',
  'error.config': '데모 설정(/config.json)을 읽지 못했습니다.',
  'error.disconnected': '영상 서버와의 연결이 끊어졌습니다.',
  'status.reconnecting': '영상 서버와의 연결이 끊겼습니다. 다시 연결하는 중…',
  'status.reconnected': '다시 연결되었습니다.',
  'error.kicked': '호스트가 회의에서 내보냈습니다.',
  'error.roomClosed': '회의가 종료되었습니다.',
  'error.publish': '내 영상을 보내지 못했습니다. 다른 사람이 나를 보거나 들을 수 없습니다.',
  'error.subscribe': '{name} 님의 영상을 받지 못했습니다.',
  'error.share': '화면을 공유하지 못했습니다.',
  'error.unexpected': '문제가 생겼습니다: {message}',
  'alert.dismiss': '닫기',

  'room.label': '회의',
  'room.copyLink': '링크 복사',
  'room.members': '{n}명 참여 중',
  'room.you': '{name} (나)',
  'room.host': '호스트',
  'room.screenOf': '{name} 님이 화면을 공유하고 있습니다',
  'room.yourScreen': '내 화면을 공유하고 있습니다',
  'room.muted': '음소거',
  'room.cameraOff': '카메라 꺼짐',
  'room.speaking': '말하는 중',
  'room.joined': '{name} 님이 들어왔습니다',
  'room.left': '{name} 님이 나갔습니다',
  'room.startedSharing': '{name} 님이 화면 공유를 시작했습니다',
  'room.connectingVideo': '영상 연결 중…',
  'room.clickForSound': '소리를 켜려면 누르세요',

  'controls.toolbar': '통화 제어',
  'controls.mute': '음소거',
  'controls.unmute': '음소거 해제',
  'controls.muteLabel': '마이크 끄기',
  'controls.unmuteLabel': '마이크 켜기',
  'controls.camOff': '비디오 중지',
  'controls.camOn': '비디오 시작',
  'controls.camOffLabel': '카메라 끄기',
  'controls.camOnLabel': '카메라 켜기',
  'controls.noCamera': '카메라 없음',
  'controls.noMic': '마이크 없음',
  'controls.share': '화면 공유',
  'controls.shareLabel': '내 화면 공유하기',
  'controls.stopShare': '공유 중지',
  'controls.stopShareLabel': '화면 공유 중지',
  'controls.shareUnsupported': '이 브라우저에서는 화면을 공유할 수 없습니다.',
  'controls.chat': '채팅',
  'controls.chatLabel': '채팅 보기',
  'controls.people': '참여자',
  'controls.peopleLabel': '참여자 목록 보기',
  'controls.settings': '장치',
  'controls.settingsLabel': '카메라, 마이크, 스피커',
  'controls.leave': '나가기',
  'controls.leaveLabel': '회의에서 나가기',
  'controls.unread': '읽지 않은 메시지 {n}개',
  'controls.chatUnreadLabel': '채팅 보기, 읽지 않은 메시지 {n}개',

  'panel.close': '닫기',
  'chat.heading': '채팅',
  'chat.to': '받는 사람',
  'chat.everyone': '모두',
  'chat.placeholder': '메시지 입력',
  'chat.send': '보내기',
  'chat.empty': '아직 메시지가 없습니다. 지금 회의에 있는 사람에게 보입니다.',
  'chat.privateTo': '{name} 님에게 (비공개)',
  'chat.privateFrom': '나에게 (비공개)',
  'chat.notSent': '보내지 못함: {reason}',
  'chat.tooLong': '메시지가 너무 깁니다.',
  'people.heading': '참여자',
  'people.message': '메시지',
  'people.messageLabel': '{name} 님에게 비공개 메시지 보내기',
  'people.remove': '내보내기',
  'people.removeLabel': '{name} 님을 회의에서 내보내기',
  'people.confirmRemove': '확인',
  'people.confirmRemoveLabel': '한 번 더 누르면 {name} 님을 내보냅니다',
  'people.removeFailed': '{name} 님을 내보내지 못했습니다: {reason}',
  'people.micOff': '마이크 꺼짐',
  'people.endMeeting': '모두에게 회의 종료',
  'people.confirmEnd': '한 번 더 누르면 모두에게 회의가 종료됩니다',
  'lobby.endedByYou': '모두에게 회의를 종료했습니다.',
  'people.camOff': '카메라 꺼짐',
};

const DICTIONARIES = { en, ko };

function pickLanguage() {
  const forced = new URLSearchParams(location.search).get('lang');
  if (forced && DICTIONARIES[forced]) return forced;
  const wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  for (const tag of wanted) {
    const base = String(tag || '').toLowerCase().split('-')[0];
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
