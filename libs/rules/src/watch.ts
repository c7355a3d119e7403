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
  let closed = false;
  let reloading = Promise.resolve();
  const asRuleSetError = (error: unknown) =>
    error instanceof RuleSetError ? error : new RuleSetError([{ file: dir, path: '(root)', problem: error instanceof Error ? error.message : String(error) }]);
  const reload = () => {
    reloading = reloading.then(async () => {
      if (closed) return;
      try {
        const next = await loadRuleSet(dir);
        // A reload that finishes after close() must not switch the set or call back.
        if (closed || next.version === active.version) return;
        active = next;
        options.onReload?.(next);
      } catch (error) {
        if (!closed) options.onError?.(asRuleSetError(error));
      }
    });
  };
  const watcher: FSWatcher = watch(dir, { recursive: true }, () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(reload, options.debounceMs ?? 100);
  });
  // Without a listener an fs.watch failure (directory removed, too many watchers) is an uncaught
  // 'error' event that would end the service; report it and keep the active set deciding.
  watcher.on('error', (error) => {
    if (!closed) options.onError?.(asRuleSetError(error));
  });
  return {
    current: () => active,
    close: () => {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}
