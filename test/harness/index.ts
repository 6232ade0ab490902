/**
 * In-process n8n test harness: real workflows through n8n-core's WorkflowExecute. See README.md.
 * Import from here (this module must load before anything else imports n8n-core).
 */
export { harnessUserFolder } from './env';
export { n8nLine, n8nVersions, logger, shutdownHarness } from './n8n';
export type { CapturedLog, LogLevel } from './logger';
export {
	binaryModeSupport,
	isBinaryModeSupported,
	describeEachBinaryMode,
	binaryDataService,
	type BinaryMode,
	type BinaryModeSupport,
} from './binary';
export { CredentialTypeRegistry } from './credential-types';
export {
	CredentialStore,
	HarnessCredentialsHelper,
	type CredentialFixture,
	type CredentialFixtures,
	type CredentialUpdate,
	type CredentialUpdateMethod,
	type PreAuthenticationCall,
	type StoredCredential,
} from './credentials-helper';
export {
	NodeTypeRegistry,
	loadPackage,
	PACKAGE_ROOT,
	type AnyNodeType,
	type LoadedPackage,
} from './node-types';
export {
	START_NODE_TYPE,
	SET_ITEMS_NODE_TYPE,
	MAKE_BINARY_NODE_TYPE,
	patternBuffer,
	writeTempFile,
	type TempFile,
} from './test-nodes';
export {
	runWorkflow,
	runNode,
	connectionsOf,
	createRegistries,
	createAdditionalData,
	type RegistryOptions,
	type HarnessNode,
	type HarnessWorkflow,
	type RunWorkflowOptions,
	type RunNodeOptions,
	type RunResult,
	type NodeRun,
	type OutputItem,
	type BinaryMeta,
	type HarnessError,
} from './run';
export {
	startTestServer,
	type TestServer,
	type RecordedRequest,
	type Reply,
	type Handler,
} from './server';
export {
	simulateOAuth2Connect,
	completeOAuth2Callback,
	OAuth2CallbackError,
	type OAuth2ConnectOptions,
	type OAuth2ConnectSession,
	type OAuth2CallbackResult,
} from './oauth2-connect';
export { runLoadOptions, type LoadOptionsRequest } from './load-options';
export { deduplicationStore, InMemoryDeduplicator } from './deduplication';
