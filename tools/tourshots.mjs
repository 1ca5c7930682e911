// Screenshots of the tour for the README and the closing notes: each chapter at the step its
// question is about (docs/tour-ID.png). Run after `./build.sh build`: node tools/tourshots.mjs
import { startServer, launch, open } from '../tests/browser/helpers.mjs';

const { server, base } = await startServer();
const b = await launch({ width: 1280, height: 860 });
const page = await open(b.context, `${base}#tour=before-vm`);
const chapters = await page.evaluate(() => window.pagesim.api.tourChapters());
for (const c of chapters) {
  await page.evaluate((ch) => {
    window.pagesim.tour.open(ch.id);
    window.pagesim.jump(ch.ask_at);
  }, c);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `docs/tour-${c.id}.png` });
}
if (b.errors.length) console.error(b.errors);
await b.close();
server.close();
