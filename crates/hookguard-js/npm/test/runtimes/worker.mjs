// Cloudflare Workers (workerd, run locally by wrangler): the package's `workerd` entry, which
// imports its WebAssembly as a module, as Workers load WebAssembly.
import * as api from 'hookguard';
import { createApp } from './app.mjs';

let app;

export default {
  fetch(request, env) {
    app ??= createApp(api, JSON.parse(env.HOOKGUARD_TEST_CONFIG));
    return app(request);
  },
};
