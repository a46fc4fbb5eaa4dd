// Sala's browser test of every page type, as a citizen meets it: serves a built portal on
// 127.0.0.1, opens each page in headless Chromium (Debian's) at phone and desktop widths, and
// checks that axe-core finds no WCAG 2.1 AA violation, that nothing is wider than the screen
// (also at 320 px), and that the search page does not jump while it loads (layout shift < 0.1).
// Usage: node e2e/pages.mjs <built site folder> [path ...]
// Without paths it checks PAGES below (the demo portal's page types in both languages); a list
// of paths checks those instead (the test passes the pager pages of a generated portal so).
import { startSite, launchChromium, axeViolations } from './harness.mjs';
import fs from 'node:fs';
import path from 'node:path';

/** One path per page type (e2e/pages.json, shared with bench/lighthouse.sh), in Thai at / and
 *  English at /en/. Add new page types there. */
const PAGE_TYPES = JSON.parse(fs.readFileSync(new URL('./pages.json', import.meta.url), 'utf8')).page_types.map((t) => t.path);
/** The widths checked: a small phone (overflow only), a common phone, a laptop. */
const WIDTHS = [320, 390, 1366];
/** Pages whose layout shift is measured while they load, with the largest score allowed. */
const SHIFT = { paths: ['/search/', '/en/search/', '/search/?q=งบประมาณ', '/en/search/?q=budget'], max: 0.1 };

const root = path.resolve(process.argv[2] ?? 'public');
const only = process.argv.slice(3);
const pages = only.length ? only : PAGE_TYPES.flatMap((p) => [p, p === '/' ? '/en/' : '/en' + p]);
const { server, base } = await startSite(root);
const browser = await launchChromium();
const failures = [];
let checks = 0;

/** What is wider than the screen: the page's own width and the elements that stick out. */
async function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && r.width > 0) {
        // Only the outermost culprit: skip elements inside one already listed.
        if (!wide.some((w) => w.el.contains(el))) wide.push({ el, right: Math.round(r.right) });
      }
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      culprits: wide.slice(0, 5).map((w) => `${w.el.tagName.toLowerCase()}${w.el.id ? '#' + w.el.id : ''}${w.el.className && typeof w.el.className === 'string' ? '.' + w.el.className.trim().split(/\s+/).join('.') : ''} (right edge ${w.right} px)`),
    };
  });
}

/** What reads wrong though axe passes it: a number column under a left-aligned header; chart
 *  text that is not about the size of the page's text (it was 19.6 px on a desktop and 12.9 px
 *  on a phone when the drawing scaled with its box). */
async function layout(page) {
  return page.evaluate(() => {
    const problems = [];
    for (const table of document.querySelectorAll('table')) {
      const head = table.tHead?.rows[0];
      if (!head || getComputedStyle(table).display !== 'table') continue;
      for (let i = 0; i < head.cells.length; i++) {
        const cells = [...table.tBodies].flatMap((b) => [...b.rows]).map((r) => r.cells[i]).filter((c) => c && c.tagName === 'TD' && c.textContent.trim());
        const right = (c) => ['right', 'end'].includes(getComputedStyle(c).textAlign);
        if (cells.length && cells.every(right) && !right(head.cells[i])) {
          problems.push(`the number column "${head.cells[i].textContent.trim()}" has a left-aligned header`);
        }
      }
    }
    const body = parseFloat(getComputedStyle(document.body).fontSize);
    for (const text of document.querySelectorAll('svg.chart text')) {
      // The size it is drawn at: the font size times the drawing's scale on the screen.
      const svg = text.ownerSVGElement;
      const scale = svg.getScreenCTM()?.a ?? 1;
      const px = parseFloat(getComputedStyle(text).fontSize) * scale;
      if (px < 14 || px > body + 0.5) {
        problems.push(`chart text "${text.textContent.slice(0, 30)}" is drawn at ${px.toFixed(1)} px (the page's text is ${body} px)`);
        break;
      }
    }
    return problems;
  });
}

for (const width of WIDTHS) {
  const context = await browser.newContext({ viewport: { width, height: width < 800 ? 844 : 768 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  for (const p of pages) {
    const name = `${p} at ${width} px`;
    try {
      errors.length = 0;
      const response = await page.goto(base + p, { waitUntil: 'load' });
      if (!p.endsWith('404.html') && response.status() !== 200) throw new Error(`HTTP ${response.status()}`);
      if (p.includes('/search/')) {
        await page.waitForFunction(() => { const s = document.getElementById('status'); return s && s.textContent && !s.textContent.includes('…'); });
      }
      const problems = [];
      const wide = await overflow(page);
      if (wide) problems.push(`the page is ${wide.scrollWidth} px wide on a ${width} px screen: ${wide.culprits.join(', ')}`);
      if (width !== 320) {
        problems.push(...(await axeViolations(page)).map((v) => `axe ${v}`));
      }
      if (width !== 320) problems.push(...await layout(page));
      if (errors.length) problems.push(`script errors: ${errors.join('; ')}`);
      checks++;
      if (problems.length) {
        failures.push(name);
        console.log(`FAIL ${name}\n     ${problems.join('\n     ')}`);
      } else {
        console.log(`ok   ${name}`);
      }
    } catch (e) {
      failures.push(name);
      console.log(`FAIL ${name}\n     ${String(e.message).split('\n')[0]}`);
    }
  }
  await context.close();
}

// The budget preview (1,735 px of table in a 1,118 px box, its scrollbar 50 rows down, its
// "sticky" header not sticking): on a desktop every column is in view; the header sticks as the
// rows scroll; on a phone the first column stays in view as the others scroll sideways.
async function preview(width) {
  const name = `the budget preview keeps its header and key column in view at ${width} px`;
  const context = await browser.newContext({ viewport: { width, height: width < 800 ? 844 : 768 } });
  const page = await context.newPage();
  try {
    await page.goto(`${base}/en/datasets/budget-appropriations/`);
    const box = page.locator('.table-scroll.preview').first();
    await box.scrollIntoViewIfNeeded();
    const m = await box.evaluate(async (el) => {
      const top = el.getBoundingClientRect().top;
      const fits = el.scrollWidth <= el.clientWidth + 1;
      const inView = el.getBoundingClientRect().bottom <= window.innerHeight + 1;
      el.scrollTop = 600;
      el.scrollLeft = 300;
      await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
      const th = el.querySelector('thead th:last-child').getBoundingClientRect().top;
      const first = el.querySelector('tbody tr td:first-child');
      return { fits, inView, headerOffset: Math.abs(th - el.getBoundingClientRect().top), firstLeft: first.getBoundingClientRect().left - el.getBoundingClientRect().left, scrolled: el.scrollLeft };
    });
    const problems = [];
    if (width >= 1000 && !m.fits) problems.push('columns are hidden to the right on a desktop');
    if (!m.inView) problems.push('the box is taller than the screen (its scrollbar is out of sight)');
    if (m.headerOffset > 2) problems.push(`the header scrolled away (${m.headerOffset}px)`);
    if (m.scrolled > 0 && Math.abs(m.firstLeft) > 2) problems.push(`the first column scrolled away (${m.firstLeft}px)`);
    checks++;
    if (problems.length) { failures.push(name); console.log(`FAIL ${name}\n     ${problems.join('\n     ')}`); } else console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL ${name}\n     ${String(e.message).split('\n')[0]}`);
  }
  await context.close();
}
if (!only.length) for (const width of [390, 1366]) await preview(width);

// Layout shift while the search page loads (its script fills the results and the filters): a
// fresh page per measurement, the observer registered before any of the page's own code runs.
if (!only.length) {
  // The last: the fonts come 1.5 s late, as on a slow phone's first visit (with
  // `font-display: swap` the header reflowed then: 0.43).
  const runs = [390, 1366].flatMap((width) => SHIFT.paths.map((p) => [width, p, false])).concat([[1366, '/search/?q=งบประมาณ', true]]);
  for (const [width, p, lateFonts] of runs) {
    {
      const name = `layout shift of ${p} at ${width} px${lateFonts ? ', fonts late' : ''}`;
      const context = await browser.newContext({ viewport: { width, height: width < 800 ? 844 : 768 } });
      const page = await context.newPage();
      try {
        if (lateFonts) {
          await page.route('**/*.woff2', async (route) => {
            await new Promise((ok) => setTimeout(ok, 1500));
            await route.continue();
          });
        }
        await page.addInitScript(() => {
          window.__shift = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
          }).observe({ type: 'layout-shift', buffered: true });
        });
        await page.goto(base + p, { waitUntil: 'load' });
        await page.waitForFunction(() => { const s = document.getElementById('status'); return s && s.textContent && !s.textContent.includes('…'); });
        await page.waitForTimeout(500);
        const shift = await page.evaluate(() => window.__shift);
        checks++;
        if (shift < SHIFT.max) {
          console.log(`ok   ${name}: ${shift.toFixed(3)}`);
        } else {
          failures.push(name);
          console.log(`FAIL ${name}: ${shift.toFixed(3)} (at most ${SHIFT.max})`);
        }
      } catch (e) {
        failures.push(name);
        console.log(`FAIL ${name}\n     ${String(e.message).split('\n')[0]}`);
      }
      await context.close();
    }
  }
}

await browser.close();
server.close();
console.log(failures.length ? `${failures.length} of ${checks} page checks failed` : `all ${checks} page checks passed`);
process.exit(failures.length ? 1 : 0);
