// The request gate alone: which Hosts, Origins, fetch sites and content types pass, and what a refusal says.
import { describe, expect, it } from 'vitest';
import { checkRequest, isLoopbackHost, parseList, type GatePolicy, type GateRequest } from '../../../server/http/request-gate.js';

const policy: GatePolicy = { boundHost: '127.0.0.1', allowedHosts: ['easel.lan', 'box:8080'], allowedOrigins: ['https://tools.example'] };
const get = (overrides: Partial<GateRequest>): GateRequest => ({ method: 'GET', host: '127.0.0.1:4100', origin: undefined, secFetchSite: undefined, contentType: undefined, ...overrides });

describe('checkRequest', () => {
  it('passes loopback names, the bound address and listed hosts', () => {
    for (const host of ['127.0.0.1:4100', 'localhost', 'LOCALHOST:3000', 'app.localhost', '[::1]:4100', '127.8.9.10', 'easel.lan', 'easel.lan:1', 'box:8080']) {
      expect(checkRequest(get({ host }), policy)).toBeNull();
    }
    expect(checkRequest(get({ host: '10.0.0.5:4100' }), { ...policy, boundHost: '10.0.0.5' })).toBeNull();
  });

  it('refuses any other Host with 403 naming EASEL_ALLOWED_HOSTS, and a malformed one with 400', () => {
    expect(checkRequest(get({ host: 'attacker.example' }), policy)).toMatchObject({ status: 403, easelCode: 'FORBIDDEN', message: expect.stringContaining('EASEL_ALLOWED_HOSTS') });
    expect(checkRequest(get({ host: 'box:8081' }), policy)?.status).toBe(403);
    // A wildcard bind is no name: it must not let every Host through.
    expect(checkRequest(get({ host: '0.0.0.0' }), { ...policy, boundHost: '0.0.0.0' })?.status).toBe(403);
    for (const host of [undefined, '', 'localhost:99999', 'localhost:0', '[::1', 'a b', '127.0.0.1/x']) expect(checkRequest(get({ host }), policy)?.status).toBe(400);
  });

  it('passes no Origin, its own origin and listed origins; refuses others, "null" and cross-site fetches', () => {
    expect(checkRequest(get({ origin: 'http://127.0.0.1:4100' }), policy)).toBeNull();
    expect(checkRequest(get({ origin: 'https://tools.example', secFetchSite: 'cross-site' }), policy)).toBeNull();
    expect(checkRequest(get({ secFetchSite: 'same-origin' }), policy)).toBeNull();
    for (const origin of ['http://evil.example', 'http://127.0.0.1:4101', 'null', 'not a url']) {
      expect(checkRequest(get({ origin }), policy)).toMatchObject({ status: 403, message: expect.stringContaining('EASEL_ALLOWED_ORIGINS') });
    }
    expect(checkRequest(get({ secFetchSite: 'cross-site' }), policy)).toMatchObject({ status: 403, easelCode: 'FORBIDDEN' });
  });

  it('accepts state-changing requests only as JSON, refusing form encodings with 415', () => {
    expect(checkRequest(get({ method: 'POST', contentType: 'application/json' }), policy)).toBeNull();
    expect(checkRequest(get({ method: 'POST', contentType: 'Application/JSON; charset=utf-8' }), policy)).toBeNull();
    for (const contentType of ['multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'text/plain', undefined]) {
      expect(checkRequest(get({ method: 'POST', contentType }), policy)).toMatchObject({ status: 415 });
    }
    expect(checkRequest(get({ method: 'DELETE' }), policy)?.status).toBe(415);
  });
});

describe('isLoopbackHost and parseList', () => {
  it('knows loopback from the rest', () => {
    expect(['localhost', '127.0.0.1', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost.'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', 'localhost.evil.example', '127.0.0.1.evil.example'].some(isLoopbackHost)).toBe(false);
  });

  it('splits, trims and lower-cases a list', () => {
    expect(parseList(' Easel.LAN , https://Tools.example/ ,,')).toEqual(['easel.lan', 'https://tools.example']);
    expect(parseList(undefined)).toEqual([]);
  });
});
