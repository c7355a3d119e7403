// What the dev stack uses to serve the console beside the services (`npm start`).
export { buildConsole } from './console-server.js';
export { DEMO_IDENTITIES, demoClaims, devSignIn, tokenMinter } from './demo-sign-in.js';
export { loadConsoleConfig } from './config.js';
export { translator, type Translate } from './i18n/index.js';
