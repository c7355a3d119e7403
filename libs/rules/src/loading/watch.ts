import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { readPolicyContents } from '../authoring/checker.js';
import { bundleOnDisk } from './bundle.js';
import { loadRules, ruleSourceOf, type LoadedRules, type RuleSource, type RuleSourceInput } from './load.js';
import { contentVersion, type RuleSet } from '../engine/rule-set.js';
import { RuleSetError, type RuleProblem } from '../engine/rule-file.js';

export interface RuleWatcher {
  /** The active rule set: the last one that loaded cleanly. */
  current(): RuleSet;
  /**
   * The version of the policy files (or the bundle) on disk when they were refused and differ from
   * the active set; null when in step.
   */
  drift(): string | null;
  /** Where the active set came from: the directory, or the bundle file with its version label. */
  source(): RuleSource;
  /** When the active set became active: the first load, or the last reload that switched. */
  activeSince(): Date;
  close(): void;
}

export interface WatchOptions {
  /** The active set changed: new files, or a bundle with another label. */
  onReload?: (ruleSet: RuleSet, source: RuleSource) => void;
  /**
   * A refused edit: the message names each file, path and problem (failing cases included) and,
   * last, that the files on disk and the active set now differ (a RuleDriftError); the previous
   * set stays. Also a failure of the watch itself.
   */
  onError?: (error: RuleSetError) => void;
  debounceMs?: number;
  /**
   * How often the files are compared with what was last checked even without a file event, in
   * case the file system does not report one (network or container mounts, exhausted inotify
   * watches); 0 turns it off. Default 5000.
   */
  pollMs?: number;
}

/** A refused reload: the policies on disk (`diskVersion`) differ from the rule set that keeps deciding. */
export class RuleDriftError extends RuleSetError {
  readonly activeVersion: string;
  readonly diskVersion: string;
  constructor(problems: RuleProblem[], activeVersion: string, diskVersion: string, bundle?: string) {
    super(problems);
    this.name = 'RuleDriftError';
    this.activeVersion = activeVersion;
    this.diskVersion = diskVersion;
    this.message += bundle
      ? `\ndrift: the bundle on disk (${bundle}, version ${diskVersion}) is refused; the active rule set (version ` +
        `${activeVersion}) keeps deciding until a bundle that checks replaces it`
      : `\ndrift: the policies on disk (version ${diskVersion}) are refused; the active rule set (version ` +
        `${activeVersion}) keeps deciding until they check`;
  }
}

/** Every directory under `dir` (itself included) with its inode, so a directory replaced by rename is watched anew. */
function directories(dir: string): Map<string, number> {
  const found = new Map<string, number>();
  const visit = (path: string) => {
    found.set(path, statSync(path).ino);
    for (const entry of readdirSync(path)) {
      const child = join(path, entry);
      if (statSync(child).isDirectory()) visit(child);
    }
  };
  try {
    visit(dir);
  } catch {
    // Removed or replaced while listed: the next event or poll lists it again.
  }
  return found;
}

/** The directory that holds a bundle file, watched (not the file) so a bundle replaced by rename is seen. */
function bundleDirectory(file: string): Map<string, number> {
  const dir = dirname(file);
  try {
    return new Map([[dir, statSync(dir).ino]]);
  } catch {
    return new Map();
  }
}

/**
 * Loads the rules, then reloads them whenever the policy files change. A reload switches only to a
 * set that passes the same gate as `rules test` (every check, every case, each decision point's
 * example facts decided); otherwise it is refused, reported with every problem and the drift, and
 * the previous rule set keeps deciding, so a typo never turns policy off.
 *
 * Each directory is watched on its own rather than recursively: a recursive watch on Linux follows
 * the file, and after a save by rename (`sed -i`, `mv`, editors that save atomically) it watched
 * the replaced file and missed every later edit. Whatever triggers a check (an event, or the poll
 * that backs events up) compares a hash of the files with the content last checked, so unchanged
 * files are neither reloaded nor reported again.
 *
 * A bundle file (`npm run rules -- bundle`) is watched through the directory that holds it, so a
 * bundle replaced by rename (or a Kubernetes ConfigMap's symlink swap) is seen; any change of its
 * bytes reloads it through the same gate, after its manifest is verified, and a refused bundle
 * leaves the previous set deciding just as a refused edit does.
 */
export async function watchRules(input: RuleSourceInput, options: WatchOptions = {}): Promise<RuleWatcher> {
  const source = ruleSourceOf(input);
  const where = source.path;
  let active: LoadedRules = await loadRules(source);
  let activeSince = new Date();
  /** What is on disk, cheaply: `key` to see a change, `version` to report a refused one. */
  const onDisk =
    source.kind === 'bundle'
      ? () => {
          const { fileHash, version } = bundleOnDisk(where);
          return { key: fileHash, version };
        }
      : () => {
          let version: string;
          try {
            version = contentVersion(readPolicyContents(where));
          } catch {
            version = 'unreadable';
          }
          return { key: version, version };
        };
  /** What the watch covers: every directory of the tree, or the directory holding the bundle. */
  const watched = source.kind === 'bundle' ? () => bundleDirectory(where) : () => directories(where);
  /** The content as last checked: the active set's, or the last refused. */
  let checked = active.contentKey;
  /** The refused content on disk, until the files check again (an edit, or going back to the active set's). */
  let drifted: string | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const watchers = new Map<string, { ino: number; watcher: FSWatcher }>();
  /** Directories whose watch failed, reported once rather than on every poll that retries them. */
  const failing = new Set<string>();

  const report = (error: unknown) => {
    if (closed) return;
    options.onError?.(
      error instanceof RuleSetError
        ? error
        : new RuleSetError([
            { file: where, path: '(root)', problem: error instanceof Error ? error.message : String(error) },
          ]),
    );
  };

  const check = async () => {
    const disk = onDisk();
    if (disk.key === checked) return;
    checked = disk.key;
    try {
      const next = await loadRules(source);
      // A reload that finishes after close() must not switch the set or call back.
      if (closed) return;
      drifted = null;
      // The same files (and, for a bundle, the same label): nothing to switch.
      if (next.ruleSet.version === active.ruleSet.version && next.source.bundleVersion === active.source.bundleVersion)
        return;
      active = next;
      activeSince = new Date();
      checked = next.contentKey;
      options.onReload?.(next.ruleSet, next.source);
    } catch (error) {
      if (error instanceof RuleSetError) drifted = disk.version;
      report(
        error instanceof RuleSetError
          ? new RuleDriftError(
              [...error.problems],
              active.ruleSet.version,
              disk.version,
              source.kind === 'bundle' ? where : undefined,
            )
          : error,
      );
    }
  };

  /** One check at a time; a change seen during a check is checked right after it. */
  const schedule = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await check().catch(report);
      } while (again && !closed);
    })().finally(() => (running = undefined));
  };

  const onEvent = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      syncWatchers();
      schedule();
    }, options.debounceMs ?? 100);
  };

  /** Watches every directory of the tree, including ones added or replaced since the last call. */
  const syncWatchers = () => {
    if (closed) return;
    const now = watched();
    for (const [path, { ino, watcher }] of watchers) {
      if (now.get(path) === ino) continue;
      watcher.close();
      watchers.delete(path);
    }
    const failed = (path: string, error: unknown) => {
      if (!failing.has(path)) report(error);
      failing.add(path);
    };
    for (const [path, ino] of now) {
      if (watchers.has(path)) continue;
      try {
        const watcher = watch(path, onEvent);
        // Without a listener an fs.watch failure (too many watchers) is an uncaught 'error' event
        // that would end the service; report it, drop the watcher (the poll watches it again).
        watcher.on('error', (error) => {
          watcher.close();
          if (watchers.get(path)?.watcher === watcher) watchers.delete(path);
          failed(path, error);
        });
        watchers.set(path, { ino, watcher });
        failing.delete(path);
      } catch (error) {
        failed(path, error);
      }
    }
  };

  syncWatchers();
  const pollMs = options.pollMs ?? 5000;
  const poll =
    pollMs > 0
      ? setInterval(() => {
          syncWatchers();
          schedule();
        }, pollMs)
      : undefined;
  poll?.unref();
  // Files changed between the first load and the first watch are seen too.
  schedule();

  return {
    current: () => active.ruleSet,
    drift: () => drifted,
    source: () => active.source,
    activeSince: () => activeSince,
    close: () => {
      closed = true;
      clearTimeout(timer);
      clearInterval(poll);
      for (const { watcher } of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
