import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
const [url, out, w, h, keys, fresh] = process.argv.slice(2);
const server = spawn('node', ['tools/serve.mjs', 'www', '8123'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await browser.newContext({ viewport: { width: +w || 1400, height: +h || 900 } });
if (!fresh) await ctx.addInitScript(() => localStorage.setItem('pagesim-visited', '1'));
const page = await ctx.newPage();
page.on('console', (m) => { if (m.type() === 'error') console.log('console error:', m.text()); });
page.on('pageerror', (e) => console.log('page error:', e.message));
await page.goto(`http://127.0.0.1:8123/${url}`);
await page.waitForTimeout(1500);
for (const k of (keys || '').split(',').filter(Boolean)) { await page.keyboard.press(k); await page.waitForTimeout(100); }
await page.waitForTimeout(500);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
server.kill();
