import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface LauncherStartOptions {
  /** Forward the launcher's stderr (librdkafka's log with --verbose) to this process's stderr. */
  forwardStderr?: boolean;
  startTimeoutMs?: number;
}

interface Pending {
  line: string;
  resolve: (reply: string) => void;
  reject: (error: Error) => void;
}

const STDERR_TAIL_CHARS = 4000;

/**
 * The launcher child process and its line protocol: after "bootstrap ..." and "ready", every
 * line written to its stdin gets exactly one reply line, in order. The launcher exits on stdin
 * EOF, so it cannot outlive this process, even one that is killed.
 */
export class LauncherProcess {
  readonly pid: number;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending: Pending[] = [];
  readonly #ready: Promise<void>;
  readonly #exited: Promise<void>;
  #bootstrap: string[] | undefined;
  #isReady = false;
  #exitReason: string | undefined;
  #stderrTail = '';
  readonly #killOnExit = () => this.#child.kill('SIGKILL');

  /** Spawns the launcher; resolves once it has printed its bootstrap list and "ready". */
  static async start(binary: string, args: string[], options: LauncherStartOptions = {}): Promise<LauncherProcess> {
    const launcher = new LauncherProcess(spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] }), options);
    await launcher.#ready;
    return launcher;
  }

  private constructor(child: ChildProcessWithoutNullStreams, options: LauncherStartOptions) {
    this.#child = child;
    this.pid = child.pid ?? -1;
    let started!: () => void;
    let failed!: (error: Error) => void;
    this.#ready = new Promise((resolve, reject) => ((started = resolve), (failed = reject)));
    let exited!: () => void;
    this.#exited = new Promise((resolve) => (exited = resolve));

    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      failed(new Error(`kafka-mock launcher printed no "ready" within ${timeoutMs} ms${this.#stderrSuffix()}`));
      child.kill('SIGKILL');
    }, timeoutMs);

    child.stderr.on('data', (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
      if (options.forwardStderr) process.stderr.write(chunk);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (this.#isReady) {
        this.#pending.shift()?.resolve(line);
      } else if (line.startsWith('bootstrap ')) {
        this.#bootstrap = line.slice('bootstrap '.length).split(',');
      } else if (line === 'ready' && this.#bootstrap) {
        this.#isReady = true;
        clearTimeout(timer);
        started();
      }
    });
    // Writing to a launcher that just died raises EPIPE here; the exit handler reports why.
    child.stdin.on('error', () => {});

    const onExit = (reason: string) => {
      if (this.#exitReason) return; // 'error' and 'close' can both fire
      this.#exitReason = reason;
      clearTimeout(timer);
      process.off('exit', this.#killOnExit);
      failed(new Error(`kafka-mock launcher ${reason} while starting${this.#stderrSuffix()}`));
      for (const p of this.#pending.splice(0)) {
        p.reject(new Error(`kafka-mock launcher ${reason} before answering "${p.line}"${this.#stderrSuffix()}`));
      }
      exited();
    };
    child.on('error', (error) => onExit(`could not be started (${error.message})`));
    // 'close' rather than 'exit': it comes after the last stdout line, so replies are not lost.
    child.on('close', (code, signal) => onExit(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    // Stdin EOF covers a parent that dies; this covers one that exits while the launcher is busy.
    process.on('exit', this.#killOnExit);
  }

  /** The brokers' host:port list, as the launcher printed it. */
  get bootstrap(): string[] {
    return [...(this.#bootstrap ?? [])];
  }

  /** Sends one command line; resolves with its reply line ("ok ..." or "error ..."). */
  request(line: string): Promise<string> {
    if (/[\r\n]/.test(line)) return Promise.reject(new Error(`a command is one line, got ${JSON.stringify(line)}`));
    if (line.trim() === '') return Promise.reject(new Error('empty command: the launcher would not answer it'));
    if (this.#exitReason)
      return Promise.reject(new Error(`kafka-mock launcher ${this.#exitReason}${this.#stderrSuffix()}`));
    return new Promise((resolve, reject) => {
      this.#pending.push({ line, resolve, reject });
      this.#child.stdin.write(`${line}\n`);
    });
  }

  /** Closes stdin so the launcher quits, and waits for its exit; SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.#exitReason) return;
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  #stderrSuffix(): string {
    const tail = this.#stderrTail.trim();
    return tail ? `; its stderr ends with:\n${tail}` : '';
  }
}
