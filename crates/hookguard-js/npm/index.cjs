// Node CommonJS entry: wasm-bindgen's `nodejs` build, which loads its module synchronously.
'use strict';
const { validate, normalize, verify, Gate, events, schema, version,
  storeKeyPrefix, storeClaimCommand, storeSettleCommand, storeClaimOfReply, storeFailureLine } = require('./node/hookguard_js.js');

module.exports = { validate, normalize, verify, Gate, events, schema, version,
  storeKeyPrefix, storeClaimCommand, storeSettleCommand, storeClaimOfReply, storeFailureLine };
