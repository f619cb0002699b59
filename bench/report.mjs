#!/usr/bin/env node
// Prints a results JSON as Markdown: `node bench/report.mjs bench/results/<file>.json [title]`.
import { readFileSync } from 'node:fs';
import { resultToMarkdown } from './lib/markdown.mjs';

const [file, title] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/report.mjs bench/results/<file>.json [title]\n');
  process.exit(2);
}
process.stdout.write(`${resultToMarkdown(JSON.parse(readFileSync(file, 'utf8')), { title })}\n`);
