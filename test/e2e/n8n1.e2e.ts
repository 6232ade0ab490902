/** n8n 1.x (1.123.81 on the machine's Node 20): `npm run test:e2e`. */
import { defineE2ESuite } from './suite';
import { defineUiCredentialsSuite } from './ui-credentials';

defineE2ESuite('n8n1');
defineUiCredentialsSuite('n8n1');
