// The feature tests (features.mjs) in WebKit (WebKitGTK's MiniBrowser), driven by WebKitWebDriver under Xvfb.
// Skipped, saying why, when the browser is not installed (./build.sh setup or test installs it).
import { test } from 'node:test';
import { featureTests, installed } from './features.mjs';

const missing = installed('webkit');
if (missing) test('webkit features', { skip: missing }, () => {});
else featureTests('webkit');
