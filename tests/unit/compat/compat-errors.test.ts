// Error shapes of the compatibility APIs and the statuses they carry.
import { describe, expect, it } from 'vitest';
import { EaselError } from '../../../server/core/errors.js';
import { a1111ErrorBody, compatFailure, invalidParam, openAIErrorBody, refusal } from '../../../server/compat/compat-errors.js';

function openAI(error: unknown) {
  const failure = compatFailure(error, 'req-1');
  return { status: failure.status, body: openAIErrorBody(failure.status, failure.error) };
}

describe('compatibility errors', () => {
  it("gives OpenAI's shape with the HTTP status Easel's error map gives the code", () => {
    expect(openAI(new EaselError('NOT_FOUND', "The model 'x' does not exist", { details: { param: 'model' } }))).toEqual({
      status: 404,
      body: { error: { message: "The model 'x' does not exist", type: 'invalid_request_error', param: 'model', code: 'model_not_found' } },
    });
    expect(openAI(invalidParam('size', 'size must look like "512x512"'))).toMatchObject({ status: 400, body: { error: { param: 'size', code: 'invalid_input' } } });
    expect(openAI(new EaselError('UNAUTHORIZED', 'needs a token'))).toMatchObject({ status: 401, body: { error: { type: 'authentication_error', param: null } } });
    expect(openAI(new EaselError('FORBIDDEN', 'admin only')).status).toBe(403);
    expect(openAI(new EaselError('BUSY', 'queue full'))).toMatchObject({ status: 429, body: { error: { type: 'rate_limit_error' } } });
    expect(openAI(new EaselError('INSUFFICIENT_MEMORY', 'no room')).status).toBe(503);
    expect(openAI(new EaselError('INSUFFICIENT_STORAGE', 'disk full')).status).toBe(507);
    expect(openAI(refusal(415, 'INVALID_INPUT', 'json only')).status).toBe(415);
  });

  it('hides the message of an unexpected error behind the request id', () => {
    const failure = compatFailure(new TypeError('secret internals at /src/x.ts'), 'req-9');
    expect(failure).toMatchObject({ status: 500, internal: true });
    expect(failure.error.message).toMatch(/request id req-9/);
    expect(failure.error.message).not.toMatch(/secret/);
  });

  it("gives A1111's FastAPI-style body", () => {
    expect(a1111ErrorBody(new EaselError('INVALID_INPUT', 'bad sampler'))).toEqual({ error: 'INVALID_INPUT', detail: 'bad sampler', body: '', errors: '' });
  });
});
