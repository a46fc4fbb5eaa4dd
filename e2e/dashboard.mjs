// Sala's browser test of the dashboards (issue 20): serves a built portal on 127.0.0.1, opens
// it in headless Chromium (Debian's, never a downloaded one) with playwright-core, and checks
// that the summary of /dashboard/ and /en/dashboard/ fits one 1366×768 screen without
// scrolling and a 390 px wide phone without horizontal overflow, and that axe-core finds no
// WCAG 2.1 A/AA violations on the dashboards, their detail pages, a ministry and an agency
// page, in both languages, at both widths.
// Usage: node e2e/dashboard.mjs <built site folder> [--shots DIR]. Exits 1 on a failed check.
import { startSite, launchChromium, checker, axeViolations } from './harness.mjs';
import path from 'node:path';
import assert from 'node:assert/strict';

const root = path.resolve(process.argv[2] ?? 'public');
const shotsAt = process.argv.indexOf('--shots');
const shots = shotsAt > 0 ? process.argv[shotsAt + 1] : null;
const { server, base } = await startSite(root);
const browser = await launchChromium();
const run = checker(browser);
const check = (name, viewport, body) => run.check(name, { viewport }, body);

async function open(page, url) {
  const response = await page.goto(base + url);
  assert.equal(response.status(), 200, `${url} is served`);
  await page.evaluate(() => document.fonts.ready);
}

const desktop = { width: 1366, height: 768 };
const phone = { width: 390, height: 844 };

for (const url of ['/dashboard/', '/en/dashboard/']) {
  await check(`${url}: the summary fits one 1366×768 screen`, desktop, async (page) => {
    await open(page, url);
    const box = await page.evaluate(() => {
      const r = document.querySelector('.glance').getBoundingClientRect();
      return { bottom: r.bottom + window.scrollY, tiles: document.querySelectorAll('.glance .tile').length };
    });
    assert.equal(box.tiles, 5, 'five tiles: index, targets, projects, budget, data');
    assert.ok(box.bottom <= 768, `the summary ends at ${box.bottom} px, below the 768 px screen`);
    if (shots) await page.screenshot({ path: path.join(shots, `desktop${url.replaceAll('/', '_')}.png`) });
    // Every tile links to its detail, and every link leads somewhere.
    const links = await page.$$eval('.glance .tile h3 a', (as) => as.map((a) => a.getAttribute('href')));
    assert.equal(links.length, 5, `each tile links to its detail: ${links}`);
    for (const href of links) {
      if (href.startsWith('#')) assert.ok(await page.$(href), `${href} exists on the page`);
      else assert.equal((await page.request.get(base + href)).status(), 200, `${href} is served`);
    }
  });
  await check(`${url}: the summary fits a 390 px phone without horizontal overflow`, phone, async (page) => {
    await open(page, url);
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      glance: document.querySelector('.glance').scrollWidth,
      widest: Math.max(...[...document.querySelectorAll('.glance *')].map((e) => e.getBoundingClientRect().right)),
    }));
    assert.ok(widths.page <= 390, `the page is ${widths.page} px wide`);
    assert.ok(widths.widest <= 390, `something in the summary reaches ${widths.widest} px`);
    if (shots) await page.screenshot({ path: path.join(shots, `phone${url.replaceAll('/', '_')}.png`), fullPage: false });
  });
}

const pages = [
  '/dashboard/', '/dashboard/maturity/', '/dashboard/projects/', '/dashboard/budget/', '/agencies/mof/', '/agencies/dopa/',
  '/datasets/e-government-projects/',
];
for (const url of pages.flatMap((u) => [u, `/en${u}`])) {
  for (const [label, viewport] of [['1366', desktop], ['390', phone]]) {
    await check(`${url} at ${label} px: 0 axe violations`, viewport, async (page) => {
      await open(page, url);
      assert.deepEqual(await axeViolations(page), [], 'axe violations');
    });
  }
}

await browser.close();
server.close();
if (run.failures > 0) {
  console.log(`${run.failures} check(s) failed`);
  process.exit(1);
}
console.log('all dashboard checks passed');
