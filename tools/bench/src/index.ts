export { writeSection } from './lib/report.js';
