// Child process for crash-durability.test.ts: appends transitions, reports each commit, then waits to be killed.
import { createAuditLog } from '../../../server/db/audit-log.js';
import { openDatabase } from '../../../server/db/open-database.js';

const [url, count] = process.argv.slice(2);
const db = await openDatabase({ url: url! });
const log = createAuditLog(db);
for (let index = 0; index < Number(count); index += 1) {
  await log.append({
    at: new Date(),
    modelId: `model-${index}`,
    from: 'IDLE',
    to: 'LOADING',
    reason: 'LOAD_REQUESTED',
    actor: 'system',
    requestId: null,
    durationMs: null,
    error: null,
    details: null,
  });
  process.stdout.write(`committed ${index}\n`);
}
// Keeps the connection, and its WAL, open until SIGKILL.
setInterval(() => undefined, 60_000);
