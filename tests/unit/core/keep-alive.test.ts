// Keep-alive values: what clients and the environment may write, what is refused, the cap, and who may shorten
// whose keep-alive (through the facade).
import { describe, expect, it } from 'vitest';
import { isEaselError } from '../../../server/core/errors.js';
import { capKeepAlive, formatKeepAlive, parseKeepAlive } from '../../../server/core/keep-alive.js';
import { createScenario, settle, type Scenario } from '../../helpers/scenario.js';

function refusal(value: string | number): Error {
  try {
    parseKeepAlive(value);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`parseKeepAlive(${JSON.stringify(value)}) was accepted`);
}

describe('parseKeepAlive', () => {
  it.each([
    ['10m', 600],
    ['1h30m', 5400],
    ['45s', 45],
    ['2d', 172_800],
    ['500ms', 1],
    [' 90 ', 90],
    [90, 90],
    ['0', 0],
    [0, 0],
    ['-1', -1],
    [-1, -1],
  ])('reads %j as %i seconds', (value, seconds) => {
    expect(parseKeepAlive(value)).toBe(seconds);
  });

  it.each(['5 minutes', '10 m', 'm10', '1.5', '', 'forever'])('refuses the malformed duration %j with INVALID_INPUT, showing valid forms', (value) => {
    const error = refusal(value);
    expect(isEaselError(error, 'INVALID_INPUT')).toBe(true);
    expect(error.message).toContain('"10m"');
  });

  it.each([-2, '-2', 1e12, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '99999d'])('refuses %j as out of range with INVALID_INPUT', (value) => {
    const error = refusal(value);
    expect(isEaselError(error, 'INVALID_INPUT')).toBe(true);
    expect(error.message).toMatch(/out of range|not a duration/);
  });

  it('names the variable or field it was given in its message', () => {
    expect(() => parseKeepAlive('soon', 'EASEL_KEEP_ALIVE')).toThrow(/EASEL_KEEP_ALIVE "soon"/);
  });
});

describe('capKeepAlive and formatKeepAlive', () => {
  it('limits a duration to the cap, counts -1 as longer than any cap, and keeps 0', () => {
    expect(capKeepAlive(7200, 3600)).toBe(3600);
    expect(capKeepAlive(600, 3600)).toBe(600);
    expect(capKeepAlive(-1, 3600)).toBe(3600);
    expect(capKeepAlive(0, 3600)).toBe(0);
    expect(capKeepAlive(-1, null)).toBe(-1);
    expect(capKeepAlive(7200, -1)).toBe(7200);
  });

  it('writes durations back the way they are read', () => {
    expect(formatKeepAlive(5400)).toBe('1h30m');
    expect(formatKeepAlive(45)).toBe('45s');
    expect(formatKeepAlive(-1)).toBe('never');
    expect(formatKeepAlive(0)).toBe('after the last job');
    expect(parseKeepAlive(formatKeepAlive(3725))).toBe(3725);
  });
});

describe('keep-alive through the facade', () => {
  async function loaded(scenario: Scenario, keepAlive?: { seconds: number; role: 'admin' | 'user' | 'local' }) {
    const load = scenario.manager.load('A', { actor: 'ui' }, keepAlive);
    await settle();
    scenario.runners.latest().complete();
    await load;
    return scenario.manager.status().models.find((m) => m.modelId === 'A')!;
  }

  it('uses the server default when the client asks for nothing', async () => {
    const status = await loaded(createScenario({ keepAlive: { defaultSeconds: 900 } }));
    expect(status.keepAlive).toBe(900);
  });

  it("caps what a user asks for at EASEL_KEEP_ALIVE_MAX, -1 included, but not an admin's request", async () => {
    const user = createScenario({ keepAlive: { defaultSeconds: 60, maxSeconds: 3600 } });
    expect((await loaded(user, { seconds: 86_400, role: 'user' })).keepAlive).toBe(3600);
    await user.manager.load('A', { actor: 'ui' }, { seconds: -1, role: 'user' });
    expect(user.manager.status().models[0]!.keepAlive).toBe(3600);
    const admin = createScenario({ keepAlive: { defaultSeconds: 60, maxSeconds: 3600 } });
    expect((await loaded(admin, { seconds: -1, role: 'admin' })).keepAlive).toBe(-1);
  });

  it("doesn't let a user shorten a keep-alive an admin set, but lets them lengthen it", async () => {
    const scenario = createScenario();
    await loaded(scenario, { seconds: 7200, role: 'admin' });
    await scenario.manager.load('A', { actor: 'script' }, { seconds: 0, role: 'user' });
    expect(scenario.manager.status().models[0]!.keepAlive).toBe(7200);
    await scenario.manager.load('A', { actor: 'script' }, { seconds: 600, role: 'user' });
    expect(scenario.manager.status().models[0]!.keepAlive).toBe(7200);
    await scenario.manager.load('A', { actor: 'script' }, { seconds: -1, role: 'user' });
    expect(scenario.manager.status().models[0]!.keepAlive).toBe(-1);
  });

  it("doesn't let a user shorten the server's default, while an admin may", async () => {
    const scenario = createScenario({ keepAlive: { defaultSeconds: 1800 } });
    expect((await loaded(scenario, { seconds: 60, role: 'user' })).keepAlive).toBe(1800);
    await scenario.manager.load('A', { actor: 'ui' }, { seconds: 60, role: 'admin' });
    expect(scenario.manager.status().models[0]!.keepAlive).toBe(60);
  });

  it("lets a user shorten a keep-alive another user set (no admin's choice is overridden)", async () => {
    const scenario = createScenario({ keepAlive: { defaultSeconds: 60 } });
    await loaded(scenario, { seconds: 3600, role: 'user' });
    await scenario.manager.load('A', { actor: 'ui' }, { seconds: 120, role: 'user' });
    expect(scenario.manager.status().models[0]!.keepAlive).toBe(120);
  });

  it("keeps an admin's -1 when a user asks for a duration", async () => {
    const scenario = createScenario();
    await loaded(scenario, { seconds: -1, role: 'admin' });
    await scenario.manager.load('A', { actor: 'ui' }, { seconds: 86_400, role: 'user' });
    const status = scenario.manager.status().models[0]!;
    expect(status.keepAlive).toBe(-1);
    expect(status.expiresAt).toBeNull();
  });
});
