// The old `node` (node10) resolution, which reads `types` and `typesVersions` but not `exports`.
import Knowledgetalk from 'knowledgetalk-janus';
import { createToken } from 'knowledgetalk-janus/server';
import { usage } from './usage';

export const run = (stream: MediaStream) => usage(new Knowledgetalk(), stream).then((seen) => [...seen, typeof createToken]);
