// Assembles the GPU server from its parts: database, registry, runner factory, ModelManager, HTTP. Returns a
// handle that closes everything in order.
import { randomInt, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import type { Logger } from './core/ports.js';
import type { ModelState } from './core/lifecycle/states.js';
import { ModelManager } from './core/model-manager.js';
import { WarmRunnerFactory } from './core/warm-runner-factory.js';
import { IdleTask } from './core/idle-task.js';
import { openDatabase } from './db/open-database.js';
import { createAuditLog } from './db/audit-log.js';
import { listTransitions } from './db/transition-history.js';
import { createModelRepository } from './db/model-repository.js';
import { createGenerationRepository } from './db/generation-repository.js';
import { GenerationQueue } from './core/generation/generation-queue.js';
import { createProcessRunnerFactory } from './runner/process-runner.js';
import { inspectModel } from './runner/inspect.js';
import { bundleRunnerEntry } from './runner/runner-bundle.js';
import { ModelRoots } from './registry/model-roots.js';
import { ModelRegistry } from './registry/model-registry.js';
import { ensureDemoModel } from './registry/demo-registration.js';
import { createEaselServer } from './http/server.js';
import type { Services } from './api/services.js';

export const DEFAULT_SAMPLER = 'DPM_SOLVER_MULTISTEP';

export interface RunningEasel {
  url: string;
  services: Services;
  close(): Promise<void>;
}

/** States a load or an unload is working in. */
const TRANSITIONAL_STATES: ReadonlySet<ModelState> = new Set(['LOADING', 'UNLOADING']);
/** How long the server must be quiet before it starts a spare runner (see idle-task.ts). */
const SPARE_AFTER_QUIET_MS = 1000;

export async function startEasel(config: Config, logger: Logger): Promise<RunningEasel> {
  await mkdir(config.dataDir, { recursive: true });
  for (const root of config.modelRoots) await mkdir(root, { recursive: true });
  const db = await openDatabase({ url: config.databaseUrl });
  const models = createModelRepository(db);
  const audit = createAuditLog(db);
  const runnerEntry = await bundleRunnerEntry().catch((error: unknown) => {
    logger.warn('could not bundle the runner; runners start through the TypeScript loader (slower)', { error: String(error) });
    return undefined;
  });
  const processes = createProcessRunnerFactory({ threads: config.threads, entry: runnerEntry });
  const warm = config.warmRunner ? new WarmRunnerFactory(processes) : null;
  const runners = warm ?? processes;
  const manager = new ModelManager({ runners, audit, models, device: config.device, defaultSampler: DEFAULT_SAMPLER, logger });
  await manager.start();
  const generationStore = createGenerationRepository(db);
  await mkdir(config.imagesDir, { recursive: true });
  const generations = new GenerationQueue({
    pipeline: () => manager.pipeline(),
    status: () => manager.status(),
    subscribeStatus: (listener) => manager.subscribe(listener),
    store: generationStore,
    imagePath: (id) => join(config.imagesDir, `${id}.png`),
    imageUrl: (id) => `/images/${id}.png`,
    newId: randomUUID,
    randomSeed: () => randomInt(0, 2 ** 32),
    logger,
    limit: config.queueLimit,
    onDrained: () => spareWhenQuiet.poke(),
  });
  // The next spare runner starts once the server is quiet.
  const spareWhenQuiet = new IdleTask({
    busy: () => TRANSITIONAL_STATES.has(manager.status().state) || generations.busy,
    task: () => warm?.warm(),
    quietMs: SPARE_AFTER_QUIET_MS,
  });
  manager.subscribe(() => spareWhenQuiet.poke());

  const registry = new ModelRegistry({
    roots: new ModelRoots(config.modelRoots),
    repository: models,
    inspect: (path, signal) => inspectModel(runners, path, signal).finally(() => spareWhenQuiet.poke()),
    whileNotInUse: (id, action) => manager.whileNotInUse(id, action),
    defaultSampler: DEFAULT_SAMPLER,
  });
  if (config.demoModel) await ensureDemoModel(registry, models, config.modelRoots[0]!, logger);

  const services: Services = {
    manager,
    registry,
    generations,
    history: {
      transitions: (query) => listTransitions(db, query),
      generations: (query) => generationStore.list(query),
    },
    adminToken: config.adminToken,
  };
  const server = createEaselServer(services, { logger, imagesDir: config.imagesDir });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  warm?.warm();
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    services,
    close() {
      closing ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // The spare first: the shutdown's last transition would otherwise ask for a new one.
        spareWhenQuiet.stop();
        await warm?.close();
        await manager.shutdown();
        await db.close();
      })();
      return closing;
    },
  };
}
