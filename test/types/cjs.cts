// A CommonJS app (node16/nodenext): `require` of the same names.
import kt = require('knowledgetalk-janus');
import { usage } from './usage.js';

const instance = new kt.Knowledgetalk();
const viaDefault = new kt.default();
const version: string = kt.Knowledgetalk.version;
export const run = (stream: MediaStream) => usage(instance, stream).then((seen) => [...seen, version, String(viaDefault === instance)]);
