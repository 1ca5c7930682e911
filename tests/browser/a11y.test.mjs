// Accessibility in headless Chromium: axe-core on the page with each dialog and panel open, in
// the light and the dark theme, and on the embed page: no serious or critical violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launch, open, root } from './helpers.mjs';

const AXE = readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
let server, base;

before(async () => {
  ({ server, base } = await startServer());
});

after(() => server.close());

/** Serious and critical violations on the page as it is now (axe is evaluated, not injected as a
 * script, so the page's Content-Security-Policy stays as it is). */
async function violations(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

for (const colorScheme of ['light', 'dark']) {
  test(`no serious or critical axe violations, ${colorScheme}: the page, its panels and each dialog`, async () => {
    const browser = await launch({ colorScheme });
    try {
      const page = await open(browser.context, `${base}#p=swapping`);
      for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
      const found = [];
      const check = async (what) => found.push(...(await violations(page)).map((v) => `${what}: ${v}`));
      await check('page');
      await page.click('#btn-editor');
      await page.click('#btn-settings');
      await page.click('#grid-panel summary');
      await check('editor, settings and grid open');
      for (const [button, dialog] of [['#btn-gallery', '#gallery'], ['#btn-embed', '#embed-dialog'], ['#btn-trace', '#trace-dialog'], ['#btn-exercise', '#exercise-dialog']]) {
        await page.click(button);
        await page.waitForSelector(`${dialog}[open]`);
        await check(dialog);
        await page.keyboard.press('Escape');
      }
      await page.click('#btn-predict');
      await page.keyboard.press('ArrowRight');
      await check('predict mode asking');
      const embed = await browser.context.newPage();
      await embed.goto(`${base}embed.html#p=swapping`);
      await embed.waitForFunction(() => document.body.dataset.ready === 'true');
      found.push(...(await violations(embed)).map((v) => `embed: ${v}`));
      assert.deepEqual(found, []);
      // The check sees what it should: an image without a text alternative is reported.
      await embed.evaluate(() => document.body.append(Object.assign(document.createElement('img'), { src: 'favicon.svg' })));
      assert.match((await violations(embed)).join('\n'), /image-alt \(critical\)/);
    } finally {
      await browser.close();
    }
  });
}

test('with prefers-reduced-motion the newest step is outlined without the fading pulse', async () => {
  const frames = async (reducedMotion) => {
    const browser = await launch({ reducedMotion });
    try {
      const page = await open(browser.context, `${base}#p=swapping`);
      for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight'); // to an access
      // The picture 50 ms into the newest step's pulse and after it has faded.
      return await page.evaluate(() => {
        const P = window.pagesim;
        const c = document.getElementById('canvas');
        const at = (ms) => {
          P.draw(P.state.pulseStart + ms);
          return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).join(',');
        };
        return at(50) === at(1000);
      });
    } finally {
      await browser.close();
    }
  };
  assert.equal(await frames('reduce'), true, 'reduced motion: the picture does not change after the step');
  assert.equal(await frames('no-preference'), false, 'otherwise the outline pulses and fades');
});
