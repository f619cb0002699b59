#!/usr/bin/env node
// The `medsam` command. npm links this committed file at install time, before the build has made
// dist/medsam.cjs, so the link works from a fresh clone; it runs the built tool.
const path = require('node:path');
const fs = require('node:fs');
const built = path.join(__dirname, '..', 'dist', 'medsam.cjs');
if (!fs.existsSync(built)) {
  console.error('medsam is not built yet: run `npm run build` in the repository root, then try again.');
  process.exit(1);
}
// dist/medsam.cjs runs its main only when it is the entry script: run it as such.
const Module = require('node:module');
Module._load(built, null, true);
