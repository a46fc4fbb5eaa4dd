// Full-page screenshots of a served portal for a reviewer to look at: the home page, a dataset,
// an agency and the dashboard, in Thai and English, on a phone (390 px) and a laptop (1366 px).
// Usage: node e2e/screenshots.mjs <base URL> <folder> [path ...]. Run by bench/lighthouse.sh.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [base, folder, ...rest] = process.argv.slice(2);
if (!base || !folder) {
  console.error('usage: node e2e/screenshots.mjs <base URL> <folder> [path ...]');
  process.exit(2);
}
const paths = rest.length ? rest : JSON.parse(fs.readFileSync(new URL('./pages.json', import.meta.url), 'utf8')).screenshots;
const executablePath = process.env.SALA_CHROMIUM ?? '/usr/bin/chromium';
fs.mkdirSync(folder, { recursive: true });
const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
for (const width of [390, 1366]) {
  const context = await browser.newContext({ viewport: { width, height: width < 800 ? 844 : 768 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  for (const p of paths.flatMap((p) => [p, p === '/' ? '/en/' : '/en' + p])) {
    await page.goto(base.replace(/\/$/, '') + p, { waitUntil: 'networkidle' });
    const name = (p.replace(/^\/|\/$/g, '').replace(/[/?=&]+/g, '-') || 'home') + `-${width}.png`;
    await page.screenshot({ path: path.join(folder, name), fullPage: true });
    console.log(path.join(folder, name));
  }
  await context.close();
}
await browser.close();
