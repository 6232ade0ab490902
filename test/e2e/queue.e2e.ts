/**
 * n8n queue mode end to end: `npm run test:e2e:queue` (n8n 1.x, run by .ci/run).
 * `E2E_QUEUE_LINE=n8n2 npm run test:e2e:queue` runs the same cases on n8n 2.x (local only).
 */
import type { LineKey } from '../../scripts/e2e/install-n8n';
import { defineQueueSuite } from './queue/suite';

const line = (process.env.E2E_QUEUE_LINE ?? 'n8n1') as LineKey;
if (line !== 'n8n1' && line !== 'n8n2')
	throw new Error(`E2E_QUEUE_LINE must be n8n1 or n8n2, not ${String(line)}`);
defineQueueSuite(line);
