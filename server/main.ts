// Entry point of the GPU server (`npm start`): reads the configuration, starts Easel, stops it cleanly on
// SIGINT/SIGTERM.
import { loadConfig } from './config.js';
import { startEasel } from './app.js';
import { createConsoleLogger } from './logger.js';

const logger = createConsoleLogger();

async function main(): Promise<void> {
  const config = loadConfig();
  const easel = await startEasel(config, logger);
  // Tests and scripts read this line to find a port chosen by the system (EASEL_PORT=0).
  process.stdout.write(`Easel GPU server listening on ${easel.url} (tRPC at ${easel.url}/trpc, data in ${config.dataDir})\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    easel.close().then(
      () => process.exit(0),
      (error) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error) => {
  logger.error('Easel could not start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
