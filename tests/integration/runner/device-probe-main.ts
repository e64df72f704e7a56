// A process that only resolves EASEL_DEVICE=auto, so a test can read everything it printed.
import { createConsoleLogger } from '../../../server/logger.js';
import { probeDevices } from '../../../server/runner/device-probe.js';

void probeDevices(createConsoleLogger()).then((choice) => process.stdout.write(JSON.stringify(choice)));
