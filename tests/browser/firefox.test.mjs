// The feature tests (features.mjs) in Firefox ESR, driven by puppeteer-core over WebDriver BiDi.
// Skipped, saying why, when the browser is not installed (./build.sh setup or test installs it).
import { test } from 'node:test';
import { featureTests, installed } from './features.mjs';

const missing = installed('firefox');
if (missing) test('firefox features', { skip: missing }, () => {});
else featureTests('firefox');
