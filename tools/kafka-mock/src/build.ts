/**
 * Builds the kafka-mock launcher: librdkafka from the source pinned through node-rdkafka (static,
 * every optional feature off), then launcher.c linked against it. Results are cached under
 * tools/kafka-mock/build/ by content: a binary named after the hash of the librdkafka version,
 * the configure flags, the compiler command and launcher.c, so a later call only checks that the
 * file exists. Prebuild with `npm run kafka-mock:build`.
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDirLock } from './dir-lock.js';

const SRC_DIR = dirname(fileURLToPath(import.meta.url));
const LAUNCHER_C = join(SRC_DIR, 'launcher.c');
export const BUILD_DIR = resolve(SRC_DIR, '../build');
const LOG_FILE = join(BUILD_DIR, 'build.log');

/** The mock needs none of these, and leaving them out keeps the build free of system libraries. */
const CONFIGURE_FLAGS = [
  '--no-download',
  '--enable-static',
  '--disable-zlib',
  '--disable-zstd',
  '--disable-ssl',
  '--disable-gssapi',
  '--disable-curl',
  '--disable-lz4-ext',
  '--disable-regex-ext',
  '--disable-syslog',
  '--disable-c11threads',
];
const CC = process.env.CC ?? 'cc';
const CFLAGS = ['-O2', '-Wall'];

interface BuildPlan {
  /** The pinned librdkafka source tree (inside node_modules: read, never written). */
  source: string;
  version: string;
  /** Where the configured and built copy lives; it appears only once complete. */
  libraryDir: string;
  binary: string;
}

let ensured: Promise<string> | undefined;

/**
 * Path of the launcher binary, building it first if needed (about a minute from scratch, under a
 * second once cached). Safe to call from many processes at once: one builds, the others wait.
 */
export function ensureMockBroker(): Promise<string> {
  ensured ??= buildMockBroker().catch((error: unknown) => {
    ensured = undefined; // let a later call retry
    throw error;
  });
  return ensured;
}

/** ensureMockBroker without the per-process memo: checks the cache (or builds) every time. */
export async function buildMockBroker(): Promise<string> {
  const plan = await makePlan();
  if (existsSync(plan.binary)) return plan.binary;
  await mkdir(BUILD_DIR, { recursive: true });
  return withDirLock(
    join(BUILD_DIR, 'lock'),
    async () => {
      if (existsSync(plan.binary)) return plan.binary; // built by the process we waited for
      await writeFile(LOG_FILE, '');
      if (!existsSync(join(plan.libraryDir, 'src', 'librdkafka.a'))) await buildLibrary(plan);
      await compileLauncher(plan);
      await prune(plan);
      return plan.binary;
    },
    { onWait: (owner) => progress(`waiting for ${owner}, which is building the launcher`) },
  );
}

async function makePlan(): Promise<BuildPlan> {
  const manifest = createRequire(import.meta.url).resolve('node-rdkafka/package.json');
  const { librdkafka: version } = JSON.parse(await readFile(manifest, 'utf8')) as { librdkafka?: string };
  if (!version) throw new Error(`${manifest} has no "librdkafka" field: cannot tell which librdkafka it ships`);
  const source = join(dirname(manifest), 'deps', 'librdkafka');
  if (!existsSync(join(source, 'configure'))) throw new Error(`no librdkafka source at ${source}`);
  const libraryKey = hash(version, ...CONFIGURE_FLAGS);
  const binaryKey = hash(libraryKey, CC, ...CFLAGS, await readFile(LAUNCHER_C, 'utf8'));
  return {
    source,
    version,
    libraryDir: join(BUILD_DIR, `librdkafka-${version}-${libraryKey}`),
    binary: join(BUILD_DIR, `kafka-mock-launcher-${binaryKey}`),
  };
}

async function buildLibrary(plan: BuildPlan): Promise<void> {
  const started = Date.now();
  const work = join(BUILD_DIR, `tmp-${process.pid}-${randomUUID().slice(0, 8)}`);
  progress(`building librdkafka ${plan.version} in ${relative(process.cwd(), plan.libraryDir)} (once; about a minute)`);
  try {
    // A copy: configure and make write into the tree, and node_modules stays pristine.
    await cp(plan.source, work, { recursive: true });
    await run('./configure', CONFIGURE_FLAGS, work);
    await run('make', ['-C', 'src', `-j${availableParallelism()}`, 'librdkafka.a'], work);
    await rename(work, plan.libraryDir).catch((error: unknown) => {
      // Only a racing build (see withDirLock) can have put it there first; its copy is as good.
      if (!existsSync(join(plan.libraryDir, 'src', 'librdkafka.a'))) throw error;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  progress(`built librdkafka in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function compileLauncher(plan: BuildPlan): Promise<void> {
  const config = await readFile(join(plan.libraryDir, 'Makefile.config'), 'utf8');
  // The system libraries librdkafka needs, as configure found them (-lm -ldl -lpthread -lrt).
  const libs = /^MKL_DYNAMIC_LIBS=\s*(.*)$/m.exec(config)?.[1]?.trim().split(/\s+/) ?? [];
  const include = join(plan.libraryDir, 'src');
  const partial = `${plan.binary}.tmp-${process.pid}`;
  progress('compiling launcher.c');
  await run(
    CC,
    [...CFLAGS, '-I', include, LAUNCHER_C, join(include, 'librdkafka.a'), ...libs, '-o', partial],
    BUILD_DIR,
  );
  await rename(partial, plan.binary); // atomic: a binary with this name is always complete
}

/** Removes launchers and libraries built from other inputs, and leftovers of killed builds. */
async function prune(plan: BuildPlan): Promise<void> {
  const keep = new Set([plan.binary, plan.libraryDir, LOG_FILE, join(BUILD_DIR, 'lock')]);
  for (const name of await readdir(BUILD_DIR)) {
    const path = join(BUILD_DIR, name);
    if (!keep.has(path) && /^(kafka-mock-launcher-|librdkafka-|tmp-)/.test(name)) {
      await rm(path, { recursive: true, force: true });
    }
  }
}

/** Runs a build step with its output appended to build/build.log; fails with the log's tail. */
async function run(command: string, args: string[], cwd: string): Promise<void> {
  const log = await open(LOG_FILE, 'a');
  try {
    await log.write(`\n$ ${command} ${args.join(' ')}   (in ${cwd})\n`);
    const code = await new Promise<number | null>((done, fail) => {
      const child = spawn(command, args, { cwd, stdio: ['ignore', log.fd, log.fd] });
      child.on('error', fail);
      child.on('close', done);
    });
    if (code !== 0) {
      const tail = (await readFile(LOG_FILE, 'utf8')).split('\n').slice(-25).join('\n');
      throw new Error(`${command} ${args.join(' ')} failed with exit code ${code} (full log: ${LOG_FILE}):\n${tail}`);
    }
  } finally {
    await log.close();
  }
}

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 12);
}

function progress(message: string): void {
  process.stderr.write(`kafka-mock: ${message}\n`);
}

if (import.meta.main) {
  ensureMockBroker().then(
    (binary) => process.stdout.write(`${binary}\n`),
    (error: unknown) => {
      process.stderr.write(`kafka-mock: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
