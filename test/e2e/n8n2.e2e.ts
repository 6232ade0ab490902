/** n8n 2.x (2.41.1 on Node 24 from the npm registry): `npm run test:e2e:n8n2`. */
import { defineE2ESuite } from './suite';
import { defineUiCredentialsSuite } from './ui-credentials';

defineE2ESuite('n8n2');
defineUiCredentialsSuite('n8n2');
