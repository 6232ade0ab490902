/** The AI Agent case on n8n 1.x (1.123.81): part of `npm run test:e2e` (its path matches `n8n1`). */
import { defineAgentSuite } from './agent';

defineAgentSuite('n8n1');
