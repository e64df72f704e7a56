// Assembles the GPU server from its parts: database, registry, runner factory, ModelManager, HTTP. Returns a
// handle that closes everything in order.
import { randomInt, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { isEaselError } from './core/errors.js';
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
import { autoDevice } from './runner/device-probe.js';
import { bundleRunnerEntry } from './runner/runner-bundle.js';
import { ModelRoots } from './registry/model-roots.js';
import { ModelRegistry } from './registry/model-registry.js';
import { ensureDemoModel } from './registry/demo-registration.js';
import { createEaselServer } from './http/server.js';
import type { Services } from './api/services.js';
import { DEFAULT_SAMPLER } from './core/schedulers/default-sampler.js';
import { partFileEstimator } from './registry/memory-estimate.js';
import { defaultMemoryBudget } from './runner/device-memory.js';
import { recoverJobs } from './core/generation/job-recovery.js';
import { ImageStore } from './storage/image-store.js';
import { PromptLimits } from './registry/prompt-limits.js';
import { createPullService } from './registry/hub/hub-pulls.js';
import { joinCluster } from './cluster/this-node.js';
import { nodeStateOf } from './cluster/node-state.js';
import { openClusterJobs, type ClusterWork } from './cluster/open-cluster-jobs.js';

export { DEFAULT_SAMPLER };

export interface RunningEasel {
  url: string;
  services: Services;
  close(): Promise<void>;
}

/** States a load or an unload is working in. */
const TRANSITIONAL_STATES: ReadonlySet<ModelState> = new Set(['LOADING', 'UNLOADING']);
/** One job already uses every core on CPU; a GPU runs jobs of different models side by side. */
const GPU_DEVICES: ReadonlySet<string> = new Set(['cuda', 'webgpu']);
/**
 * Images per UNet run by default: on a GPU a batch of 4 fills the device better than 4 runs; on a CPU one job
 * already uses every core, so a batch gains little (3–10 % at 2 threads, see the README) and delays its first image.
 */
const GPU_BATCH = 4;
const batchLimitOn = (device: string): number => (GPU_DEVICES.has(device) ? GPU_BATCH : 1);
/** How long the server must be quiet before it starts a spare runner (see idle-task.ts). */
const SPARE_AFTER_QUIET_MS = 1000;

export async function startEasel(config: Config, logger: Logger): Promise<RunningEasel> {
  await mkdir(config.dataDir, { recursive: true });
  for (const root of config.modelRoots) await mkdir(root, { recursive: true });
  const db = await openDatabase({ url: config.databaseUrl });
  const models = createModelRepository(db);
  // The node's name is final once the port is known (EASEL_PORT=0 picks one); rows written before carry host:port.
  const node = { name: config.nodeName ?? `${config.host}:${config.port}` };
  const audit = createAuditLog(db, () => node.name);
  const runnerEntry = await bundleRunnerEntry().catch((error: unknown) => {
    logger.warn('could not bundle the runner; runners start through the TypeScript loader (slower)', { error: String(error) });
    return undefined;
  });
  const processes = createProcessRunnerFactory({ threads: config.threads, entry: runnerEntry, logger });
  // With EASEL_DEVICE=auto the devices are probed once, in a process that exits; start it now, not in the first load.
  if (config.device === 'auto') void autoDevice(logger, { env: { ...process.env, EASEL_THREADS: String(config.threads) } });
  const warm = config.warmRunner ? new WarmRunnerFactory(processes) : null;
  const runners = warm ?? processes;
  const budget = config.memoryBudgetBytes ?? (await defaultMemoryBudget(config.device)).bytes;
  const manager = new ModelManager({
    runners,
    audit,
    models,
    estimator: partFileEstimator,
    device: config.device,
    defaultSampler: DEFAULT_SAMPLER,
    logger,
    budget: { memoryBytes: budget, maxLoaded: config.maxLoadedModels },
    keepAlive: { defaultSeconds: config.keepAliveSeconds, maxSeconds: config.keepAliveMaxSeconds },
    loadTimeoutMs: config.loadTimeoutMs,
  });
  await manager.start();
  const generationStore = createGenerationRepository(db);
  await mkdir(config.imagesDir, { recursive: true });
  const storage = new ImageStore({
    imagesDir: config.imagesDir,
    generations: generationStore,
    retention: config.imageRetention,
    minFreeBytes: config.minFreeDiskBytes,
    logger,
  });
  await storage.start();
  const promptLimits = new PromptLimits();
  const parallel = config.parallelJobs ?? (GPU_DEVICES.has(config.device) ? config.maxLoadedModels : 1);
  // On a shared PostgreSQL the nodes share the jobs through pg-boss; on SQLite this server runs its own.
  const cluster: ClusterWork | null =
    db.provider === 'postgresql'
      ? await openClusterJobs({
          db,
          url: config.databaseUrl,
          generations: () => generations,
          nodeName: () => node.name,
          residentModels: () => manager.status().models.map((m) => m.modelId),
          nodes: () => services.nodes.list(),
          parallel,
          heartbeatMs: config.heartbeatMs,
          logger,
        })
      : null;
  const generations: GenerationQueue = new GenerationQueue({
    models: manager,
    catalog: {
      describe: async (id) => {
        const model = await models.get(id).catch((error: unknown) => {
          if (isEaselError(error, 'NOT_FOUND')) return null;
          throw error;
        });
        return model && { description: model.description, path: model.path, defaultSampler: model.defaultSampler };
      },
    },
    store: generationStore,
    imagePath: (id) => join(config.imagesDir, `${id}.png`),
    imageUrl: (id) => `/images/${id}.png`,
    newId: randomUUID,
    randomSeed: () => randomInt(0, 2 ** 32),
    defaultSampler: DEFAULT_SAMPLER,
    logger,
    limit: config.queueLimit,
    parallel,
    // Refused before any row or work is made when the images folder's disk is full (HTTP 507), for every API.
    assertStorage: () => storage.assertRoom(),
    promptWarnings: (model, texts) => promptLimits.warnings(model.path, model.description.tokenizerMaxLength, texts),
    nodeName: () => node.name,
    batchLimit: (modelId) => config.maxBatch ?? batchLimitOn(manager.describe(modelId)?.model.device ?? config.device),
    onDrained: () => spareWhenQuiet.poke(),
    ...(cluster ? { shared: cluster.jobs, onEvent: cluster.relayEvent } : {}),
  });
  // With a cluster, pg-boss keeps the jobs and lost nodes' jobs are rescued once this node has joined (below).
  if (!cluster) {
    await recoverJobs({
      store: generationStore,
      modelExists: async (id) => (await models.find(id)) !== null,
      requeue: (record) => generations.requeue(record),
      abandon: (record, error) => generations.abandon(record, error),
      logger,
    });
  }
  // The next spare runner starts once the server is quiet.
  const spareWhenQuiet: IdleTask = new IdleTask({
    busy: () => manager.status().models.some((m) => TRANSITIONAL_STATES.has(m.state)) || generations.busy,
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
    pulls: createPullService(config, registry, logger),
    storage,
    history: {
      transitions: (query) => listTransitions(db, query),
      generations: (query) => generationStore.list(query),
    },
    security: config,
    nodes: { name: node.name, list: async () => [], leave: async () => undefined },
  };
  const server = createEaselServer(services, { logger, imagesDir: config.imagesDir });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  node.name = config.nodeName ?? `${host}:${port}`;
  try {
    services.nodes = await joinCluster({
      db,
      name: node.name,
      url: config.nodeUrl ?? `http://${host}:${port}`,
      device: config.device,
      heartbeatMs: config.heartbeatMs,
      state: () => nodeStateOf(manager.status(), generations.localDepth),
      logger,
    });
    await cluster?.jobs.start();
  } catch (error) {
    server.closeAllConnections();
    server.close();
    await cluster?.jobs.stop();
    await generations.shutdown();
    await cluster?.close();
    await manager.shutdown();
    await storage.stop();
    await db.close();
    throw error;
  }
  warm?.warm();

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
        // Jobs first: their final rows are written before the models go and the database closes.
        await cluster?.jobs.stop();
        await generations.shutdown();
        await cluster?.close();
        // A pull in flight must not register against a closed database.
        await services.pulls.close();
        await manager.shutdown();
        await storage.stop();
        await services.nodes.leave();
        await db.close();
      })();
      return closing;
    },
  };
}
