// A second process that loads the GPU server (or its bare stand-in) while the benchmark measures something
// else: told what to run over IPC, it answers with the figures. A steady run lasts until told 'stop'.
import { closedLoop, steadyRate } from './http-load.js';

export type LoadClientCommand =
  | { type: 'closed'; url: string; concurrency: number; durationMs: number }
  | { type: 'steady'; url: string; intervalMs: number; maxDurationMs: number }
  | { type: 'stop' };

/** A new connection's first requests are several times slower on both ends (handshake, code not yet compiled). */
const WARM_UP_REQUESTS = 10;

let stop: () => void = () => undefined;

async function run(command: LoadClientCommand): Promise<unknown> {
  switch (command.type) {
    case 'closed':
      return closedLoop(command);
    case 'steady': {
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      // 'started' goes out once the warm-up is over, so the parent opens no window before the counted requests.
      return steadyRate({ ...command, stop: stopped, warmUp: WARM_UP_REQUESTS, onStarted: () => process.send!({ type: 'started' }) });
    }
    case 'stop':
      stop();
      return undefined;
  }
}

process.on('message', (message: LoadClientCommand) => {
  run(message).then(
    (result) => result !== undefined && process.send!({ type: 'result', result }),
    (error: unknown) => process.send!({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
