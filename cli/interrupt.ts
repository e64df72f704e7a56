// Ctrl-C while the server works for us: the first one asks the server to stop that work (the command then
// ends with the cancelled code once the server confirms); a second one leaves at once.
import { EXIT } from './exit-codes.js';

/** Calls `handler` on the first SIGINT; returns the function that removes it again. */
export function onInterrupt(handler: () => void): () => void {
  let interrupted = false;
  const listener = () => {
    if (interrupted) {
      process.stderr.write('\ninterrupted again; leaving without waiting for the server\n');
      process.exit(EXIT.CANCELLED);
    }
    interrupted = true;
    handler();
  };
  process.on('SIGINT', listener);
  return () => process.off('SIGINT', listener);
}
