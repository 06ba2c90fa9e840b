// hookguard as Express middleware (`hookguard/express`, Node).
export { hookguardMiddleware as hookguard, hookguardMiddleware } from './node.js';
export type { Delivery, HookguardMiddleware, ReceiverOptions } from './node.js';
