import { createRequire } from 'node:module';
import type * as JsonRulesEngine from 'json-rules-engine';
import { installConditionTreeCopy } from './engine-clone.js';

// json-rules-engine, with its deep copies made by copyConditionTree (see engine-clone.ts). It is
// required here, after the copy is installed, rather than imported: a bundle hoists every import of
// an external package above its own code, which would load the engine first.
installConditionTreeCopy();
const engineModule = createRequire(import.meta.url)('json-rules-engine') as typeof JsonRulesEngine;

export const Engine = engineModule.Engine;
export type Engine = JsonRulesEngine.Engine;
export type RuleResult = JsonRulesEngine.RuleResult;
