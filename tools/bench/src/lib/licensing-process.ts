import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDevKeys, signToken, type TokenClaims } from '@acme/auth';
import { checkHealth } from '@acme/grpc';
import { freePort } from '@acme/testing';
import { startApp, waitFor, type NodeProcess } from './processes.js';

export interface LicensingProcess {
  address: string;
  metricsPort: number;
  process: NodeProcess;
  /** A token for the service's keys, issuer and audience. */
  token(claims: Omit<TokenClaims, 'issuer' | 'audience'>): Promise<string>;
  /** Sum of `grpc_server_handled_total` by status code, from the metrics endpoint. */
  callsByCode(): Promise<Record<string, number>>;
  /** Sum (seconds) and count of each phase of `licensing_mutation_phase_seconds`, from the metrics endpoint. */
  mutationPhases(): Promise<Record<string, { sum: number; count: number }>>;
  stop(): Promise<void>;
}

/**
 * The licensing service as deployed (the built apps/licensing-service, in its own process) on the
 * given database, with fresh signing keys, metrics on, and per-call logs off (LOG_LEVEL=warn: a
 * JSON line per call is I/O the benchmark would otherwise measure).
 */
export async function startLicensingProcess(
  env: Record<string, string>,
  options: { nodeArgs?: string[] } = {},
): Promise<LicensingProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-licensing-'));
  const keys = await loadOrCreateDevKeys(join(dir, 'keys.json'));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify(keys.publicJwks));
  const [grpcPort, metricsPort] = [await freePort(), await freePort()];
  const process_ = await startApp(
    'licensing-service',
    {
      GRPC_PORT: String(grpcPort),
      METRICS_PORT: String(metricsPort),
      JWT_JWKS_FILE: join(dir, 'jwks.json'),
      LOG_LEVEL: 'warn',
      ...env,
    },
    options,
  );
  const address = `127.0.0.1:${grpcPort}`;
  const metricsText = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  try {
    await waitFor(
      async () => (await checkHealth(address)) === 'SERVING',
      `licensing service (${process_.stderr()})`,
      120_000,
    );
  } catch (error) {
    await process_.stop('SIGKILL');
    throw error;
  }
  return {
    address,
    metricsPort,
    process: process_,
    token: (claims) =>
      signToken(keys.privateJwk, { issuer: 'acme-dev', audience: 'licensing', expiresIn: '2h', ...claims }),
    async callsByCode() {
      const text = await metricsText();
      const byCode: Record<string, number> = {};
      for (const [, code, value] of text.matchAll(/^grpc_server_handled_total\{[^}]*grpc_code="(\w+)"[^}]*\} (\d+)/gm))
        byCode[code!] = (byCode[code!] ?? 0) + Number(value);
      return byCode;
    },
    async mutationPhases() {
      const text = await metricsText();
      const phases: Record<string, { sum: number; count: number }> = {};
      for (const [, kind, phase, value] of text.matchAll(
        /^licensing_mutation_phase_seconds_(sum|count)\{phase="(\w+)"\} (\S+)$/gm,
      )) {
        (phases[phase!] ??= { sum: 0, count: 0 })[kind as 'sum' | 'count'] = Number(value);
      }
      return phases;
    },
    async stop() {
      await process_.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
