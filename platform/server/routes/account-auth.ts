import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerToken } from '../../auth/keys';
import type { Account } from '../../store/types';
import { PlatformError } from '../errors';
import type { Platform } from '../platform';

/**
 * Requires an account token on every route of `scope` (checked in onRequest, before any body is read) and returns
 * how a handler gets the caller's account.
 */
export function requireAccount(
  scope: FastifyInstance,
  platform: Platform,
): (request: FastifyRequest) => Account {
  const accounts = new WeakMap<FastifyRequest, Account>();
  scope.addHook('onRequest', async (request) => {
    const token = bearerToken(request.headers.authorization);
    const found = await platform.authenticateAccount(token);
    if (!found) {
      throw new PlatformError(
        401,
        token ? 'ACCOUNT_TOKEN_INVALID' : 'ACCOUNT_TOKEN_MISSING',
        token ? 'The account token is not valid.' : 'The management API needs an account token.',
        'Send "Authorization: Bearer epk_acct_…" (printed once when the service created the account).',
        { 'WWW-Authenticate': 'Bearer' },
      );
    }
    accounts.set(request, found);
  });
  return (request) => accounts.get(request)!;
}
