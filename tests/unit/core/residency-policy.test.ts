// The model cache's pure rules: which idle models go first, when a load must wait or is refused, and when an idle
// model's keep-alive runs out.
import { describe, expect, it } from 'vitest';
import { decide, evictionOrder, expired, expiresAt, usedBytes, type Budget, type ResidentView } from '../../../server/core/residency-policy.js';

const GiB = 1024 ** 3;
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function view(modelId: string, overrides: Partial<ResidentView> = {}): ResidentView {
  return { modelId, state: 'LOADED', memoryBytes: 2 * GiB, demand: 0, lastUsedMs: T0, keepAliveSeconds: 1800, ...overrides };
}

const roomy: Budget = { memoryBytes: 10 * GiB, maxLoaded: 3 };

describe('evictionOrder', () => {
  it('lists idle models least recently used first', () => {
    const views = [view('a', { lastUsedMs: T0 + 3000 }), view('b', { lastUsedMs: T0 + 1000 }), view('c', { lastUsedMs: T0 + 2000 })];
    expect(evictionOrder(views).map((v) => v.modelId)).toEqual(['b', 'c', 'a']);
  });

  it('puts models kept forever (-1) after every other, however old', () => {
    const views = [view('forever', { lastUsedMs: T0, keepAliveSeconds: -1 }), view('recent', { lastUsedMs: T0 + 9000 }), view('zero', { lastUsedMs: T0 + 5000, keepAliveSeconds: 0 })];
    expect(evictionOrder(views).map((v) => v.modelId)).toEqual(['zero', 'recent', 'forever']);
  });

  it('leaves out models with demand (jobs, leases, waiting requests) and models not LOADED', () => {
    const views = [view('busy', { demand: 1 }), view('loading', { state: 'LOADING' }), view('unloading', { state: 'UNLOADING' }), view('broken', { state: 'ERROR' }), view('idle')];
    expect(evictionOrder(views).map((v) => v.modelId)).toEqual(['idle']);
  });
});

describe('decide', () => {
  it('admits without eviction when the model fits beside the others', () => {
    const decision = decide([view('a'), view('b')], roomy, { modelId: 'c', memoryBytes: 2 * GiB });
    expect(decision).toEqual({ kind: 'admit', evict: [], usedBytes: 4 * GiB });
  });

  it('evicts the least recently used idle models until the new one fits in memory', () => {
    const views = [view('a', { lastUsedMs: T0 + 2, memoryBytes: 4 * GiB }), view('b', { lastUsedMs: T0 + 1, memoryBytes: 3 * GiB }), view('c', { lastUsedMs: T0 + 3, memoryBytes: 2 * GiB })];
    const decision = decide(views, { memoryBytes: 10 * GiB, maxLoaded: 4 }, { modelId: 'd', memoryBytes: 5 * GiB });
    expect(decision).toEqual({ kind: 'admit', evict: ['b', 'a'], usedBytes: 9 * GiB });
  });

  it('evicts the least recently used model when the count limit is reached, even with memory to spare', () => {
    const views = [view('a', { lastUsedMs: T0 + 2 }), view('b', { lastUsedMs: T0 + 1 })];
    const decision = decide(views, { memoryBytes: 100 * GiB, maxLoaded: 2 }, { modelId: 'c', memoryBytes: GiB });
    expect(decision).toMatchObject({ kind: 'admit', evict: ['b'] });
  });

  it('evicts a model kept forever only when no other idle model is left to evict', () => {
    const views = [view('forever', { keepAliveSeconds: -1, lastUsedMs: T0 }), view('other', { lastUsedMs: T0 + 5 })];
    expect(decide(views, { memoryBytes: 100 * GiB, maxLoaded: 2 }, { modelId: 'c', memoryBytes: GiB })).toMatchObject({ evict: ['other'] });
    expect(decide(views, { memoryBytes: 100 * GiB, maxLoaded: 1 }, { modelId: 'c', memoryBytes: GiB })).toMatchObject({ evict: ['other', 'forever'] });
  });

  it('never evicts a model with demand: the request waits, naming the busy models and the figures', () => {
    const views = [view('a', { demand: 2, memoryBytes: 6 * GiB }), view('b', { memoryBytes: 2 * GiB, lastUsedMs: T0 - 1 })];
    const decision = decide(views, { memoryBytes: 8 * GiB, maxLoaded: 3 }, { modelId: 'c', memoryBytes: 4 * GiB });
    expect(decision.kind).toBe('wait');
    if (decision.kind !== 'wait') return;
    expect(decision.usedBytes).toBe(8 * GiB);
    expect(decision.why).toContain('"c"');
    expect(decision.why).toContain('8.00 GiB of 8.00 GiB');
    expect(decision.why).toContain('a (loaded, 2 job(s))');
  });

  it('waits rather than evicting a model that is still loading or unloading', () => {
    const views = [view('a', { state: 'LOADING' }), view('b', { state: 'UNLOADING' })];
    expect(decide(views, { memoryBytes: 100 * GiB, maxLoaded: 2 }, { modelId: 'c', memoryBytes: GiB }).kind).toBe('wait');
  });

  it('refuses at once a model bigger than the whole budget, naming both figures and the variable', () => {
    const decision = decide([], { memoryBytes: 4 * GiB, maxLoaded: 3 }, { modelId: 'huge', memoryBytes: 6 * GiB });
    expect(decision.kind).toBe('refuse');
    if (decision.kind !== 'refuse') return;
    expect(decision.why).toContain('"huge"');
    expect(decision.why).toContain('6.00 GiB');
    expect(decision.why).toContain('4.00 GiB');
    expect(decision.why).toContain('EASEL_MEMORY_BUDGET');
  });

  it('does not count the requested model against itself (a reload of a model already listed)', () => {
    const decision = decide([view('a', { state: 'ERROR', memoryBytes: 9 * GiB }), view('b', { memoryBytes: 9 * GiB })], roomy, { modelId: 'a', memoryBytes: 9 * GiB });
    expect(decision).toMatchObject({ kind: 'admit', evict: ['b'] });
  });

  it('never lets the admitted set exceed the budget or the count, over many random sets', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const states = ['LOADED', 'LOADED', 'LOADING', 'UNLOADING', 'ERROR', 'IDLE'] as const;
    for (let round = 0; round < 500; round += 1) {
      const budget = { memoryBytes: Math.ceil(random() * 12) * GiB, maxLoaded: 1 + Math.floor(random() * 4) };
      const views = ['a', 'b', 'c', 'd'].map((id) =>
        view(id, { state: states[Math.floor(random() * states.length)]!, memoryBytes: Math.ceil(random() * 4) * GiB, demand: random() < 0.3 ? 1 : 0, lastUsedMs: T0 + Math.floor(random() * 100) }),
      );
      const occupying = views.filter((v) => ['LOADING', 'LOADED', 'UNLOADING'].includes(v.state));
      if (usedBytes(occupying) > budget.memoryBytes || occupying.length > budget.maxLoaded) continue;
      const request = { modelId: 'e', memoryBytes: Math.ceil(random() * 4) * GiB };
      const decision = decide(views, budget, request);
      if (decision.kind !== 'admit') continue;
      const after = occupying.filter((v) => !decision.evict.includes(v.modelId));
      expect(usedBytes(after) + request.memoryBytes).toBeLessThanOrEqual(budget.memoryBytes);
      expect(after.length + 1).toBeLessThanOrEqual(budget.maxLoaded);
      for (const id of decision.evict) expect(views.find((v) => v.modelId === id)).toMatchObject({ state: 'LOADED', demand: 0 });
    }
  });
});

describe('keep-alive expiry', () => {
  it('expires an idle model keepAlive seconds after its last use', () => {
    const idle = view('a', { lastUsedMs: T0, keepAliveSeconds: 600 });
    expect(expiresAt(idle)).toBe(T0 + 600_000);
    expect(expired([idle], T0 + 599_999)).toEqual([]);
    expect(expired([idle], T0 + 600_000)).toEqual(['a']);
  });

  it('counts from the last use: a use resets the expiry', () => {
    const used = view('a', { lastUsedMs: T0 + 500_000, keepAliveSeconds: 600 });
    expect(expired([used], T0 + 600_000)).toEqual([]);
    expect(expiresAt(used)).toBe(T0 + 1_100_000);
  });

  it('has no expiry while the model has demand or is not LOADED', () => {
    expect(expiresAt(view('a', { demand: 1 }))).toBeNull();
    expect(expiresAt(view('a', { state: 'LOADING' }))).toBeNull();
    expect(expired([view('a', { demand: 1, keepAliveSeconds: 0 })], T0 + 10 ** 9)).toEqual([]);
  });

  it('0 expires as soon as the model is idle', () => {
    const zero = view('a', { keepAliveSeconds: 0, lastUsedMs: T0 });
    expect(expiresAt(zero)).toBe(T0);
    expect(expired([zero], T0)).toEqual(['a']);
  });

  it('-1 never expires', () => {
    const forever = view('a', { keepAliveSeconds: -1, lastUsedMs: T0 });
    expect(expiresAt(forever)).toBeNull();
    expect(expired([forever], T0 + 100 * 365 * 86_400_000)).toEqual([]);
  });
});
