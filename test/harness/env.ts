/**
 * Must be the first import of the harness: n8n-core reads these variables when its services are
 * first constructed (InstanceSettings writes `<N8N_USER_FOLDER>/.n8n/config` with an encryption key,
 * and the binary data store lives under the same folder). Every test file (jest gives each file its
 * own module registry) gets a fresh temporary user folder, removed again by `shutdownHarness()`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const harnessUserFolder = mkdtempSync(join(tmpdir(), 'n8n-harness-'));

process.env.N8N_USER_FOLDER = harnessUserFolder;
// Never let a developer's shell settings leak into the engine under test.
delete process.env.N8N_DEFAULT_BINARY_DATA_MODE;
delete process.env.N8N_AVAILABLE_BINARY_DATA_MODES;
delete process.env.N8N_BINARY_DATA_STORAGE_PATH;
delete process.env.N8N_STORAGE_PATH;
delete process.env.N8N_ENCRYPTION_KEY;
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'true';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
