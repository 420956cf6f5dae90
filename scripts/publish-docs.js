#!/usr/bin/env node
// Copies a profile's report into docs/<profile>/ for the README: report.md, its SVG charts and the gallery pictures it
// links (into docs/<profile>/overlays/), with the links rewritten to the copies.
// Usage: node scripts/publish-docs.js [profile]   (default standard; reads results/<profile>/report/)
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const profile = process.argv[2] || 'standard';
const results = path.join(root, 'results', profile);
const reportDir = path.join(results, 'report');
const out = path.join(root, 'docs', profile);
const reportFile = path.join(reportDir, 'report.md');
if (!fs.existsSync(reportFile)) {
  console.error(`publish-docs: ${path.relative(root, reportFile)} not found; run \`npm run afl -- grid --profile ${profile}\` first`);
  process.exit(2);
}
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
let copied = 0;
let md = fs.readFileSync(reportFile, 'utf8').replace(/\]\(\.\.\/overlays\/([^)]+\.png)\)/g, (_, rel) => {
  const dest = path.join(out, 'overlays', rel);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(path.join(results, 'overlays', rel), dest);
  copied++;
  return `](overlays/${rel})`;
});
md = md.replace('Interactive version: [figure3.html](figure3.html).', `Interactive version: \`results/${profile}/report/figure3.html\` after running the grid (plotly).`);
const charts = fs.readdirSync(reportDir).filter((f) => f.endsWith('.svg') || f.endsWith('.csv'));
for (const f of charts) fs.copyFileSync(path.join(reportDir, f), path.join(out, f));
fs.writeFileSync(path.join(out, 'report.md'), md);
const rel = path.relative(root, out);
console.log(`${rel}/report.md, ${charts.length} charts and tables and ${copied} gallery picture link(s) into ${rel}/overlays/`);
