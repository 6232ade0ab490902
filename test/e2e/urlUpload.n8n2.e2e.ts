/** Publish Video from a URL that n8n uploads, on n8n 2.x (2.41.1): part of `npm run test:e2e:n8n2` (its path matches `n8n2`). */
import { defineUrlUploadSuite } from './urlUpload';

defineUrlUploadSuite('n8n2');
