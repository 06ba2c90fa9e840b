// ESM entry of `hookguard/shared` (Node): the same classes as the CommonJS file.
import shared from './shared.cjs';

export const { RedisMemory, SharedGate } = shared;
