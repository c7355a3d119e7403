export { startTracing } from './tracing.js';
export type { Tracing } from './tracing.js';
export {
  activeTraceIds,
  contextFromHeaders,
  contextWith,
  failSpan,
  inSpan,
  SpanKind,
  startSpan,
  traceparentOf,
} from './spans.js';
export type { Attributes, Span } from './spans.js';
