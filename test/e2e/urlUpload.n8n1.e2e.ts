/** Publish Video from a URL that n8n uploads, on n8n 1.x (1.123.81): part of `npm run test:e2e` (its path matches `n8n1`). */
import { defineUrlUploadSuite } from './urlUpload';

defineUrlUploadSuite('n8n1');
