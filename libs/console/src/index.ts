// What the dev stack uses to serve the console beside the services (`npm start`).
export { buildConsole } from './console-server.js';
export { DEMO_IDENTITIES, devSignIn } from './demo-sign-in.js';
export { loadConsoleConfig } from './config.js';
