#!/usr/bin/env node
// Copies a profile's report into docs/ for the README: report.md as docs/<profile>-report.md, its SVG charts, and the
// gallery pictures it links (into docs/<profile>-overlays/), with the links rewritten to the copies.
// Usage: node scripts/publish-docs.js [profile]   (default quick; reads results/<profile>/report/)
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const profile = process.argv[2] || 'quick';
const results = path.join(root, 'results', profile);
const reportDir = path.join(results, 'report');
const docs = path.join(root, 'docs');
const reportFile = path.join(reportDir, 'report.md');
if (!fs.existsSync(reportFile)) {
  console.error(`publish-docs: ${path.relative(root, reportFile)} not found; run \`npm run afl -- grid --profile ${profile}\` first`);
  process.exit(2);
}
const overlays = `${profile}-overlays`;
fs.rmSync(path.join(docs, overlays), { recursive: true, force: true });
let copied = 0;
let md = fs.readFileSync(reportFile, 'utf8').replace(/\]\(\.\.\/overlays\/([^)]+\.png)\)/g, (_, rel) => {
  const dest = path.join(docs, overlays, rel);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(path.join(results, 'overlays', rel), dest);
  copied++;
  return `](${overlays}/${rel})`;
});
md = md.replace('Interactive version: [figure3.html](figure3.html).', `Interactive version: \`results/${profile}/report/figure3.html\` after \`npm start\` (plotly).`);
const charts = fs.readdirSync(reportDir).filter((f) => f.endsWith('.svg'));
for (const f of charts) fs.copyFileSync(path.join(reportDir, f), path.join(docs, f));
fs.writeFileSync(path.join(docs, `${profile}-report.md`), md);
console.log(`docs/${profile}-report.md, ${charts.length} charts (${charts.join(', ')}) and ${copied} gallery picture link(s) into docs/${overlays}/`);
