// ESM entry of `hookguard/shared`: the same classes as the CommonJS file, over the module the
// ESM entry (`hookguard`) already instantiated.
import classes from './shared-classes.cjs';
import * as hookguard from './index.mjs';

export const { RedisMemory, RedisQuarantine, SharedGate } = classes.define(hookguard);
