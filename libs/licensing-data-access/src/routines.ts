import { Routine } from '@mikro-orm/core';
import { PREFETCH_FUNCTION_BODY } from './migrations/20261125010000-prefetch-function.js';
import { REQUIRE_SEATS_FUNCTION_BODY } from './migrations/20261204000000-seat-shortage-function.js';

/**
 * The stored functions the migrations create, declared so the ORM's schema check expects them.
 * The migrations own their bodies (a changed body is a new migration), so only their existence,
 * parameters and result are compared.
 */
export const ROUTINES = [
  new Routine({
    name: 'licensing_prefetch',
    type: 'function',
    language: 'plpgsql',
    params: {
      p_account: { type: 'text' },
      p_user: { type: 'text' },
      p_idempotency: { type: 'text' },
      p_products: { type: 'text[]' },
    },
    returns: { runtimeType: 'object', columnType: 'json' },
    body: PREFETCH_FUNCTION_BODY,
    ignoreSchemaChanges: ['body'],
  }),
  new Routine({
    name: 'licensing_require_seats',
    type: 'function',
    language: 'plpgsql',
    params: { p_reserved: { type: 'json' }, p_wanted: { type: 'int' } },
    returns: { runtimeType: 'number', columnType: 'int' },
    body: REQUIRE_SEATS_FUNCTION_BODY,
    ignoreSchemaChanges: ['body'],
  }),
];
