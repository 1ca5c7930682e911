// Takes a screenshot of the page as a user sees it, for looking at changes and for docs/.
//   node tools/screenshot.mjs OUT.png [HASH] [--width 1400] [--height 900] [--steps N] [--dark] [--full]
// e.g. node tools/screenshot.mjs /tmp/swap.png '#p=swapping' --steps 12
import { startServer, launch, open } from '../tests/browser/helpers.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const [out, hash = ''] = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.match(/^--(width|height|steps)$/));
if (!out) {
  console.error('usage: node tools/screenshot.mjs OUT.png [HASH] [--width W] [--height H] [--steps N] [--dark] [--full]');
  process.exit(2);
}
const { server, base } = await startServer();
const browser = await launch({
  width: Number(flag('width', 1400)),
  height: Number(flag('height', 900)),
  colorScheme: args.includes('--dark') ? 'dark' : 'light',
});
try {
  const page = await open(browser.context, `${base}${hash}`);
  for (let i = 0; i < Number(flag('steps', 0)); i++) await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(700); // past the step animation
  await page.screenshot({ path: out, fullPage: args.includes('--full') });
  if (browser.errors.length) console.error('console errors:', browser.errors);
  console.log(out);
} finally {
  await browser.close();
  server.close();
}
