#!/usr/bin/env node
'use strict';
// Drives the demo shop API of `npm run demo` (`restart`, `fault <mode>`, `clear-cache`, `state`, each with --url);
// the backend runs `restart` as the demo's restart_service action. The code is compiled from backend/src/demo.
require('../dist/demo/control.js')
  .main(process.argv)
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
      process.exitCode = 1;
    }
  );
