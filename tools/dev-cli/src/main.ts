#!/usr/bin/env -S npx tsx
/**
 * Developer CLI: mint a development token, call any LicensingService, OperationsService or BillingService RPC with a JSON body.
 *   npm run token -- --account acct_demo_zendesk --subject usr_demo_zendesk_owner
 *   npm run token -- --kind service --subject svc:sales-tooling --scopes sales_orders:complete,licenses:read
 *   npm run call -- ListProducts '{}' --token "$TOKEN"
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { fromJson, type DescMethod, type DescService, type JsonValue } from '@bufbuild/protobuf';
import { billing, LicensingService, OperationsService } from '@acme/contracts';
import { generateSigningKey, loadOrCreateDevKeys, signToken, type DevKeys } from '@acme/auth';
import type { JWK } from 'jose';
import { createClient, decodeGrpcError, GrpcStatus, type ServerStream } from '@acme/grpc';
import { DEV_DEFAULTS } from '@acme/licensing';
import { answerJson } from './answer-json.js';

const program = new Command().name('dev-cli').description('Development helpers for the licensing service');
/** A usage mistake: one line on stderr, exit 2, no stack trace. */
const refuse = (message: string): never => program.error(`error: ${message}`, { exitCode: 2 });
const list = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

program
  .command('token')
  .description(
    'print a signed development JWT (keys from the dev stack, created on first use). A token says who calls: ' +
      "a user's roles and permissions come from their record in the service, so pick the user with --subject",
  )
  .option(
    '--subject <sub>',
    'token subject: a user id of the account (default: its super admin) or svc:name',
    DEV_DEFAULTS.adminUserId,
  )
  .option('--account <id>', 'account the caller belongs to (services: none unless given)', DEV_DEFAULTS.accountId)
  .option('--kind <kind>', 'user or service', 'user')
  .option(
    '--scopes <list>',
    'comma-separated service scopes (licenses:read, licenses:write, sales_orders:complete, accounts:write)',
    list,
    [],
  )
  // Gone: the service refuses tokens carrying roles or permissions. Kept hidden to say why.
  .addOption(new Option('--roles <list>').hideHelp())
  .addOption(new Option('--permissions <list>').hideHelp())
  .option('--expires <span>', 'lifetime such as 1h or 7d', '12h')
  .option('--keys <file>', 'development key file', DEV_DEFAULTS.devKeysFile)
  .action(async (o, command: Command) => {
    if (o.kind !== 'user' && o.kind !== 'service') return refuse('--kind must be user or service');
    const given = (option: string) => command.getOptionValueSource(option) === 'cli';
    const service = o.kind === 'service';
    if (given('roles') || given('permissions')) {
      return refuse(
        service
          ? 'service tokens carry --scopes, not --roles or --permissions'
          : "tokens carry no --roles or --permissions: the service reads them from the user's record; pick the user with --subject",
      );
    }
    if (!service && o.scopes.length > 0) return refuse('user tokens carry no --scopes: scopes are for --kind service');
    const keys = await loadOrCreateDevKeys(o.keys);
    const token = await signToken(keys.privateJwk, {
      subject: o.subject,
      kind: o.kind,
      accountId: service && !given('account') ? undefined : o.account,
      scopes: o.scopes,
      issuer: DEV_DEFAULTS.issuer,
      audience: DEV_DEFAULTS.audience,
      expiresIn: o.expires,
    });
    process.stdout.write(`${token}\n`);
  });

program
  .command('keys')
  .description(
    'add a signing key to a public key set (JWT_JWKS_FILE): a new Ed25519 key written to --private, or the ' +
      'public half of a development key file (--from-dev). Keys already in the set stay, for rotation.',
  )
  .requiredOption('--public <file>', 'public key set to create or add to (give it to the service as JWT_JWKS_FILE)')
  .option('--private <file>', 'where to write the new private key (JWK) for the token issuer; never overwritten')
  .option('--kid <id>', 'key id of the new key (default: key-<date>-<random>)')
  .option(
    '--from-dev <file>',
    `publish the key of a development key file instead (npm start's: ${DEV_DEFAULTS.devKeysFile})`,
  )
  .action(async (o: { public: string; private?: string; kid?: string; fromDev?: string }) => {
    if (!o.private === !o.fromDev) return refuse('name --private <file> for a new key, or --from-dev <file>');
    let added: JWK[];
    if (o.fromDev) {
      if (!existsSync(o.fromDev)) return refuse(`${o.fromDev}: no development key file`);
      added = (JSON.parse(readFileSync(o.fromDev, 'utf8')) as DevKeys).publicJwks.keys;
    } else {
      if (existsSync(o.private!)) return refuse(`${o.private}: exists; a private key is never overwritten`);
      const kid = o.kid ?? `key-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 6)}`;
      const generated = await generateSigningKey(kid);
      writeFileSync(o.private!, `${JSON.stringify(generated.privateJwk, null, 2)}\n`, { mode: 0o600 });
      added = generated.publicJwks.keys;
    }
    const existing: JWK[] = existsSync(o.public)
      ? (JSON.parse(readFileSync(o.public, 'utf8')) as { keys: JWK[] }).keys
      : [];
    const keys = [...existing.filter((k) => !added.some((a) => a.kid === k.kid)), ...added];
    writeFileSync(o.public, `${JSON.stringify({ keys }, null, 2)}\n`);
    process.stdout.write(`${o.public}: ${keys.map((k) => k.kid).join(', ')}\n`);
  });

/**
 * The services `call` reaches: the tenants' API, the operators' (RunRetentionSweep,
 * SetClockOffset) and the billing API (its own address: --address 127.0.0.1:50052).
 */
const SERVICES: DescService[] = [LicensingService, OperationsService, billing.BillingService];

const methodList = () => SERVICES.map((s) => `  ${s.typeName}: ${s.methods.map((m) => m.name).join(', ')}`).join('\n');

/** The request from its JSON (or @file), or one line saying what is wrong with it (exit 2). */
function parseRequest(method: DescMethod, json: string) {
  const where = json.startsWith('@') ? json.slice(1) : 'the request';
  try {
    const text = json.startsWith('@') ? readFileSync(json.slice(1), 'utf8') : json;
    return fromJson(method.input, JSON.parse(text) as JsonValue);
  } catch (error) {
    return refuse(`${where} is no ${method.name} request: ${(error as Error).message}`);
  }
}

program
  .command('call')
  .description(
    'call a LicensingService, OperationsService or BillingService RPC; the request and response are protobuf JSON',
  )
  .argument(
    '<method>',
    `RPC name, e.g. ListProducts (one of: ${SERVICES.flatMap((s) => s.methods.map((m) => m.name)).join(', ')})`,
  )
  .argument('[json]', 'request body as JSON, or @file.json', '{}')
  .option('--address <host:port>', 'server address', `127.0.0.1:${DEV_DEFAULTS.port}`)
  .option('--token <jwt>', 'bearer token (default: $TOKEN)', process.env.TOKEN)
  .option('--timeout <ms>', 'deadline in milliseconds (default: 10000; none for a stream, which runs until Ctrl-C)')
  .action(async (name: string, json: string, o) => {
    const service = SERVICES.find((s) => s.methods.some((m) => m.name === name || m.localName === name));
    const method = service?.methods.find((m) => m.name === name || m.localName === name);
    if (!service || !method) return refuse(`unknown method ${name}; the methods are:\n${methodList()}`);
    const request = parseRequest(method, json);
    // The client's type is of one service; at run time it calls any method by its local name.
    const streaming = method.methodKind === 'server_streaming';
    const client = createClient(service as typeof LicensingService, o.address, {
      token: o.token,
      ...(o.timeout !== undefined || !streaming ? { timeoutMs: Number(o.timeout ?? 10_000) } : {}),
    });
    try {
      const call = (client as unknown as Record<string, (r: unknown) => unknown>)[method.localName]!;
      if (streaming) {
        // One JSON line per message, as they come (WatchEntitlements: a snapshot, then each change).
        for await (const message of call(request) as ServerStream<never>)
          process.stdout.write(`${answerJson(method.output, message)}\n`);
        return;
      }
      const response = (await call(request)) as never;
      process.stdout.write(`${answerJson(method.output, response)}\n`);
    } catch (error) {
      const status = decodeGrpcError(error as never);
      process.stderr.write(`${GrpcStatus[status.code]}: ${status.message}\n`);
      if (status.errorInfo) process.stderr.write(`reason: ${status.errorInfo.reason}\n`);
      for (const v of status.badRequest?.fieldViolations ?? [])
        process.stderr.write(`  field ${v.field}: ${v.description}\n`);
      for (const v of status.preconditionFailure?.violations ?? [])
        process.stderr.write(`  rule ${v.type}: ${v.description}\n`);
      process.exitCode = 1;
    } finally {
      client.close();
    }
  });

await program.parseAsync();
