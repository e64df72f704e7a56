// Roles from tokens: which token grants which role, the stable owner id, and the local role without tokens.
import { describe, expect, it } from 'vitest';
import { bearerToken, identify, tokenId } from '../../../server/api/identity.js';

const tokens = { adminToken: 'admin-token', userToken: 'user-token' };

describe('identify', () => {
  it('grants admin, user, or nothing, saying why', () => {
    expect(identify(tokens, 'admin-token')).toEqual({ role: 'admin', ownerId: tokenId('admin-token') });
    expect(identify(tokens, 'user-token')).toEqual({ role: 'user', ownerId: tokenId('user-token') });
    expect(identify(tokens, undefined)).toEqual({ role: null, ownerId: null, problem: 'missing' });
    expect(identify(tokens, 'user-tokem')).toEqual({ role: null, ownerId: null, problem: 'wrong' });
    expect(identify(tokens, 'user-token-longer')).toMatchObject({ problem: 'wrong' });
  });

  it('makes every caller local when no token is configured', () => {
    expect(identify({ adminToken: null, userToken: null }, 'anything')).toEqual({ role: 'local', ownerId: 'local' });
  });

  it('needs a token for everyone once only the user token is set', () => {
    expect(identify({ adminToken: null, userToken: 'u' }, undefined)).toMatchObject({ role: null });
    expect(identify({ adminToken: null, userToken: 'u' }, 'u')).toMatchObject({ role: 'user' });
  });

  it('gives a token a stable id of 16 hex digits that is not the token', () => {
    expect(tokenId('user-token')).toMatch(/^[0-9a-f]{16}$/);
    expect(tokenId('user-token')).toBe(tokenId('user-token'));
    expect(tokenId('user-token')).not.toBe(tokenId('admin-token'));
  });
});

describe('bearerToken', () => {
  it('reads Authorization: Bearer and nothing else', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
