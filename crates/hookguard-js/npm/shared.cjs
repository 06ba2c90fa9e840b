'use strict';
// A Gate whose memory of request ids is shared by every replica of a receiver (a store such as
// Redis), so that a copy of a delivery sent to another process is not handed on twice. The
// delivery contract and the store's protocol are the core's (in flight, delivered, forgotten;
// the same scripts, keys and answers as every host): this entry only moves claims to the store
// and back. Node, Deno and Bun; the store's client is yours (node-redis).
const { define } = require('./shared-classes.cjs');

module.exports = define(require('./index.cjs'));
