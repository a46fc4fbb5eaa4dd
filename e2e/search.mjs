// Sala's browser test of finding data: serves a built portal on 127.0.0.1, drives headless
// Chromium (Debian's, never a downloaded one) with playwright-core, types Thai and English
// queries, uses the keyboard and the facet filters, and walks the site with JavaScript off.
// Usage: node e2e/search.mjs <built site folder>. Exits 1 on the first failed check.
import { startSite, launchChromium, checker } from './harness.mjs';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';

const root = path.resolve(process.argv[2] ?? 'public');
const { server, base } = await startSite(root);
const browser = await launchChromium();
const run = checker(browser);
const check = (name, body) => run.check(name, {}, body);

/** The links of the search results, after the search has settled. */
async function results(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('status').textContent;
    return s && !s.includes('…') && document.getElementById('results').getAttribute('aria-busy') === 'false';
  });
  return page.$$eval('#results li h3 a', (as) => as.map((a) => new URL(a.href).pathname));
}

async function typeQuery(page, url, query) {
  await page.goto(base + url);
  await page.waitForFunction(() => !document.getElementById('filters').hidden);
  await page.locator('#q').pressSequentially(query, { delay: 20 });
  // The list of the whole query, not of the letters typed before it (a busy machine is slow).
  await page.waitForFunction((q) => document.getElementById('results').dataset.query === q.trim(), query);
  return results(page);
}

const budget = ['/datasets/budget-appropriations/', '/datasets/budget-expenditures/'];

await check('งบประมาณ finds the two budget datasets first', async (page) => {
  const found = await typeQuery(page, '/search/', 'งบประมาณ');
  assert.deepEqual(found.slice(0, 2), budget);
  assert.match(await page.locator('#results li').first().locator('h3 mark').first().textContent(), /งบ/);
  assert.equal(new URL(page.url()).searchParams.get('q'), 'งบประมาณ');
});

await check('รายจ่าย finds the budget datasets first', async (page) => {
  const found = await typeQuery(page, '/search/', 'รายจ่าย');
  assert.deepEqual(found.slice(0, 2), budget);
});

await check('บริการ finds the e-services dataset first', async (page) => {
  const found = await typeQuery(page, '/search/', 'บริการ');
  assert.equal(found[0], '/datasets/e-services/');
});

await check('English "budget" finds the budget datasets first', async (page) => {
  const found = await typeQuery(page, '/en/search/', 'budget');
  assert.deepEqual(found.slice(0, 2), budget.map((p) => '/en' + p));
});

await check('English "budgets" (another form) finds the same', async (page) => {
  const found = await typeQuery(page, '/en/search/', 'budgets');
  assert.deepEqual(found.slice(0, 2), budget.map((p) => '/en' + p));
});

await check('English "e-services" finds the e-services dataset first', async (page) => {
  const found = await typeQuery(page, '/en/search/', 'e-services');
  assert.equal(found[0], '/en/datasets/e-services/');
});

for (const query of ['งบ ประมาณ', 'งบประมาณรายจ่ายประจำปี', 'รายจ่าย ประจำปี', 'ประจำปีงบประมาณ']) {
  await check(`a Thai query cut differently (${query}) still finds the budget datasets`, async (page) => {
    const found = await typeQuery(page, '/search/', query);
    assert.deepEqual(found.slice(0, 2), budget);
  });
}

await check('a shared search URL restores the query and filters', async (page) => {
  await page.goto(`${base}/en/search/?q=budget&theme=finance`);
  assert.deepEqual(await results(page), ['/en/datasets/budget-expenditures/']);
  assert.equal(await page.inputValue('#q'), 'budget');
  assert.equal(await page.isChecked('input[name=theme][value=finance]'), true);
});

await check('facets combine and show counts', async (page) => {
  await page.goto(`${base}/search/`);
  assert.equal((await results(page)).length, 11, 'an empty query lists every dataset');
  await page.check('input[name=theme][value=budget]');
  assert.deepEqual(await results(page), budget);
  assert.equal(await page.locator('input[name=agency][value=BB]').locator('xpath=..').locator('[data-count]').textContent(), '1');
  await page.check('input[name=agency][value=CGD]');
  assert.deepEqual(await results(page), ['/datasets/budget-expenditures/']);
  await page.check('input[name=year][value="2568"]');
  assert.deepEqual(await results(page), ['/datasets/budget-expenditures/']);
  const url = new URL(page.url());
  assert.deepEqual([url.searchParams.getAll('theme'), url.searchParams.getAll('agency'), url.searchParams.getAll('year')], [['budget'], ['CGD'], ['2568']]);
});

await check('the keyboard moves through results and opens one', async (page) => {
  await typeQuery(page, '/search/', 'บริการ');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => new URL(document.activeElement.href).pathname), '/datasets/e-services/');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
  await page.keyboard.press('ArrowDown');
  await Promise.all([page.waitForURL('**/datasets/e-services/'), page.keyboard.press('Enter')]);
});

await check('the header search box leads to the results', async (page) => {
  await page.goto(`${base}/en/`);
  await page.fill('#site-q', 'procurement');
  await Promise.all([page.waitForURL('**/en/search/?q=procurement'), page.press('#site-q', 'Enter')]);
  assert.equal((await results(page))[0], '/en/datasets/procurement-contracts/');
});

await check('the home page has its own search box', async (page) => {
  await page.goto(`${base}/`);
  await page.fill('#home-q', 'บริการ');
  await Promise.all([page.waitForURL(/\/search\/\?q=/), page.press('#home-q', 'Enter')]);
  assert.equal((await results(page))[0], '/datasets/e-services/');
});

await check('switching language keeps the query', async (page) => {
  await page.goto(`${base}/en/search/?q=budget`);
  await results(page);
  assert.equal(await page.getAttribute('.langs a[hreflang=th]', 'href'), '/search/?q=budget');
  await page.fill('#q', 'procurement');
  await page.waitForFunction(() => document.querySelector('.langs a[hreflang=th]').getAttribute('href') === '/search/?q=procurement');
  await Promise.all([page.waitForURL('**/search/?q=procurement'), page.click('.langs a[hreflang=th]')]);
  assert.equal(await page.inputValue('#q'), 'procurement');
});

await check('the results are under a heading one level below the page\'s', async (page) => {
  await typeQuery(page, '/en/search/', 'budget');
  const levels = await page.$$eval('h1, h2, h3, h4', (hs) => hs.map((h) => Number(h.tagName[1])));
  levels.reduce((prev, level) => { assert.ok(level <= prev + 1, `heading levels ${levels.join(' ')}`); return level; }, 0);
});

// Without JavaScript: every dataset is reachable from the dataset list, and from the facet pages.
const noScript = await browser.newContext({ javaScriptEnabled: false });
try {
  const page = await noScript.newPage();
  await page.goto(`${base}/search/`);
  assert.equal(await page.locator('noscript a').count() > 0 || (await page.content()).includes('<noscript>'), true);
  await page.goto(`${base}/datasets/`);
  const listed = await page.$$eval('ul.cards a[href^="/datasets/"]', (as) => [...new Set(as.map((a) => new URL(a.href).pathname))]);
  const onDisk = fs.readdirSync(path.join(root, 'datasets'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `/datasets/${d.name}/`);
  assert.deepEqual(listed.sort(), onDisk.sort());
  await page.click('nav.facets a[href="/browse/theme/budget/"]');
  const inTheme = await page.$$eval('ul.cards h3 a', (as) => as.map((a) => new URL(a.href).pathname));
  assert.deepEqual(inTheme, budget);
  await page.goto(`${base}/en/browse/year/2568/`);
  assert.match(await page.locator('h1').textContent(), /Fiscal year: FY 2025/);
  for (const href of listed) {
    const response = await page.goto(base + href);
    assert.equal(response.status(), 200, href);
  }
  console.log('ok   every dataset is reachable with JavaScript off');
} catch (e) {
  run.fail('every dataset is reachable with JavaScript off', e);
}
await noScript.close();

await browser.close();
server.close();
console.log(run.failures ? `${run.failures} browser checks failed` : 'all browser checks passed');
process.exit(run.failures ? 1 : 0);
