/** Tests are TypeScript, transpiled by ts-jest (type-checking is `npm run lint`'s job, so runs stay fast). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	testTimeout: 120_000,
	maxWorkers: 2,
	reporters: ['default', '<rootDir>/test/reporters/summaryLine.js'],
};
