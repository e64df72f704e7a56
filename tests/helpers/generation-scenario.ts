// A GenerationQueue wired to a real ModelManager (as server/app.ts wires it) over a fake runner whose generations
// the test drives, an in-memory store, sequential job ids (job-1, job-2, …) and a recorder of every job's events.
import { GenerationQueue } from '../../server/core/generation/generation-queue.js';
import type { JobEvent } from '../../server/core/generation/job-events.js';
import type { FakeRunner } from './fake-runner.js';
import { MemoryGenerationStore } from './memory-generation-store.js';
import { createLoadedScenario, createScenario, MODEL_PATHS, type Scenario, type ScenarioOptions } from './scenario.js';
import { fakeLoadedModel } from './fake-runner.js';

export interface GenerationScenario extends Scenario {
  queue: GenerationQueue;
  store: MemoryGenerationStore;
  /** The runner of the loaded model (the latest spawned). */
  runner(): FakeRunner;
  /** Every event of job `id` since the scenario began (ids are recorded before they exist). */
  events(id: string): JobEvent[];
  /** The seed handed out when a request has none. */
  randomSeed: number;
}

export interface GenerationScenarioOptions {
  /** Jobs allowed to wait (default 4). */
  limit?: number;
  /** False: nothing is loaded. */
  loaded?: boolean;
  /** How many job ids to record events for (job-1 … job-N; default 20). */
  watch?: number;
  onDrained?: () => void;
  /** Jobs at once on different models (default 1). */
  parallel?: number;
  /** Scenario options for the manager (budget, estimates, keep-alive). */
  scenario?: ScenarioOptions;
  /** Images of one model that may share a UNet run (deps.batchLimit), for every model or per model; absent: one by one. */
  batchLimit?: number | ((modelId: string) => number);
  /** The node name recorded on the rows (deps.nodeName); absent: none. */
  nodeName?: string;
}

export async function createGenerationScenario(options: GenerationScenarioOptions = {}): Promise<GenerationScenario> {
  const scenarioOptions: ScenarioOptions = { ...options.scenario, runner: { generation: 'held' as const, ...options.scenario?.runner }, defaultSampler: 'DDIM' };
  const scenario = options.loaded === false ? createScenario(scenarioOptions) : await createLoadedScenario('A', scenarioOptions);
  const { manager, clock, logger } = scenario;
  const store = new MemoryGenerationStore(clock);
  const randomSeed = 424242;
  let nextId = 1;
  const queue = new GenerationQueue({
    models: manager,
    catalog: { describe: async (id) => (MODEL_PATHS[id] ? { description: fakeLoadedModel(), path: MODEL_PATHS[id]!, defaultSampler: 'DDIM' } : null) },
    defaultSampler: 'DDIM',
    parallel: options.parallel ?? 1,
    store,
    imagePath: (id) => `/data/images/${id}.png`,
    imageUrl: (id) => `/images/${id}.png`,
    newId: () => `job-${nextId++}`,
    randomSeed: () => randomSeed,
    logger,
    clock,
    limit: options.limit ?? 4,
    onDrained: options.onDrained,
    ...(options.batchLimit === undefined ? {} : { batchLimit: typeof options.batchLimit === 'number' ? () => options.batchLimit as number : options.batchLimit }),
    ...(options.nodeName === undefined ? {} : { nodeName: () => options.nodeName! }),
  });
  const recorded = new Map<string, JobEvent[]>();
  for (let i = 1; i <= (options.watch ?? 20); i += 1) {
    const id = `job-${i}`;
    const events: JobEvent[] = [];
    recorded.set(id, events);
    queue.subscribe(id, (event) => events.push(event));
  }
  return {
    ...scenario,
    queue,
    store,
    runner: () => scenario.runners.latest(),
    events: (id) => recorded.get(id) ?? [],
    randomSeed,
  };
}
