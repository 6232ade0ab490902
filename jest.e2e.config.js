/**
 * End-to-end tests in a real n8n (test/e2e/*.e2e.ts), kept out of the normal `jest` run (which matches
 * test/**\/*.test.ts). One file per n8n line; run them one at a time: each starts n8n processes.
 *   npm run test:e2e       -> n8n 1.x   (jest -c jest.e2e.config.js n8n1)
 *   npm run test:e2e:n8n2  -> n8n 2.x   (jest -c jest.e2e.config.js n8n2)
 *   npm run test:e2e:queue -> n8n 1.x in queue mode (Redis, Postgres, main, two workers, webhook processor)
 */
module.exports = {
	displayName: 'e2e',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	// Per test; the suite's beforeAll (install n8n, build, pack) sets its own, longer limit
	testTimeout: 10 * 60_000,
	maxWorkers: 1,
	verbose: true,
	reporters: ['default', '<rootDir>/test/reporters/summaryLine.js'],
};
