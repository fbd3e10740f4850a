#!/usr/bin/env node
'use strict';
// The CLI entry point of the package (`npx mahavishnu incidents ...`); the code is compiled from backend/src/cli.
require('../dist/cli/main.js').main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  }
);
