// An ES module app (node16/nodenext, bundler): the default import and the named ones.
import Knowledgetalk, { Code, Knowledgetalk as Named, type ResponseCode } from 'knowledgetalk-janus';
import { PrivacyMode } from 'knowledgetalk-janus/privacy';
import { usage } from './usage.js';

const kt = new Knowledgetalk({ server: 'wss://gateway.example/janus', logLevel: 'info' });
const same: Named = kt;
const version: string = Knowledgetalk.version;
const code: ResponseCode = Code.ROOM_FULL;
export const run = (stream: MediaStream) => usage(same, stream).then((seen) => [...seen, version, code, typeof PrivacyMode]);
