// Stops `npm test` early, with one clear line, when no browser can be found.
import { findChromium, INSTALL_HINT } from './chromium.ts';

if (!findChromium()) {
  console.error(process.env.CHROME_PATH ? `CHROME_PATH=${process.env.CHROME_PATH} does not exist. ${INSTALL_HINT}` : INSTALL_HINT);
  process.exit(1);
}
