import { Knowledgetalk } from './knowledgetalk';

export { Knowledgetalk };
export { Code, type ResponseCode } from './errors';
export type { LogLevel } from './logger';
export type * from './types';
export type { TypedEventTarget, TypedListener } from './util/typed-events';
export default Knowledgetalk;
