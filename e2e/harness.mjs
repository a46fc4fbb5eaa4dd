// What Sala's browser tests (search.mjs, pages.mjs, dashboard.mjs) share: the built portal
// served on 127.0.0.1, Debian's Chromium launched headless (never a downloaded one), named
// checks counted as they pass or fail, and axe-core's WCAG 2.2 A/AA and best-practice violations
// on a page.
import { chromium } from 'playwright-core';
import { siteServer } from './static-server.mjs';
import fs from 'node:fs';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

/** The WCAG 2.1 and 2.2 A and AA rules of axe-core (2.2 adds the 24 px target size), and its
 *  best practices (landmarks with names of their own among them). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serves the built portal in `root` on a free port; resolves to the server and its base URL. */
export async function startSite(root) {
  const server = siteServer(root);
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

/** Headless Chromium (SALA_CHROMIUM, default Debian's); launch() gives it a fresh temporary
 *  profile and removes it on close. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.SALA_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Named checks in `browser`, each in a fresh context (with `options`, e.g. a viewport): a check
 *  passes when its body returns and the page raised no script error. `failures` counts the rest;
 *  `fail` counts one found outside `check`. */
export function checker(browser) {
  const run = {
    failures: 0,
    fail(name, e) {
      run.failures++;
      console.log(`FAIL ${name}\n     ${String(e.message).split('\n').join('\n     ')}`);
    },
    async check(name, options, body) {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await body(page);
        assert.deepEqual(errors, [], 'no script errors');
        console.log(`ok   ${name}`);
      } catch (e) {
        run.fail(name, e);
      } finally {
        await context.close();
      }
    },
  };
  return run;
}

/** The violations axe-core finds on `page` ([`AXE_TAGS`]), one line each: rule, impact, what it
 *  asks, and where (the first three places). */
export async function axeViolations(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} × ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }, AXE_TAGS);
}
