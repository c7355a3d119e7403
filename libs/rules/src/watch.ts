import { watch, type FSWatcher } from 'node:fs';
import { loadRuleSet } from './load.js';
import type { RuleSet } from './rule-set.js';
import { RuleSetError } from './rule-file.js';

export interface RuleWatcher {
  /** The active rule set: the last one that loaded cleanly. */
  current(): RuleSet;
  close(): void;
}

export interface WatchOptions {
  onReload?: (ruleSet: RuleSet) => void;
  /** A broken edit: the message names each file, path and problem; the previous set stays. */
  onError?: (error: RuleSetError) => void;
  debounceMs?: number;
}

/**
 * Loads the rules, then reloads them whenever a file under `dir` changes. An edit that does not
 * check is rejected and the previous rule set keeps deciding, so a typo never turns policy off.
 */
export async function watchRules(dir: string, options: WatchOptions = {}): Promise<RuleWatcher> {
  let active = await loadRuleSet(dir);
  let timer: NodeJS.Timeout | undefined;
  let reloading = Promise.resolve();
  const reload = () => {
    reloading = reloading.then(async () => {
      try {
        const next = await loadRuleSet(dir);
        if (next.version === active.version) return;
        active = next;
        options.onReload?.(next);
      } catch (error) {
        const problem = error instanceof RuleSetError ? error : new RuleSetError([{ file: dir, path: '(root)', problem: (error as Error).message }]);
        options.onError?.(problem);
      }
    });
  };
  const watcher: FSWatcher = watch(dir, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(reload, options.debounceMs ?? 100);
  });
  return {
    current: () => active,
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
