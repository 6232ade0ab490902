import type { INode } from 'n8n-workflow';

import { waitProperties } from '../../../../nodes/TikTok/actions/common.descriptions';
import { InputChecker } from '../../../../nodes/TikTok/input/checker';
import { waitOptionsFrom } from '../../../../nodes/TikTok/input/wait';
import { WAIT_LIMITS } from '../../../../nodes/shared/api/status';

const node = {
	name: 'TikTok',
	type: 'n8n-nodes-tiktok-publisher.tikTok',
	typeVersion: 1,
	parameters: {},
} as INode;

describe('waitOptionsFrom', () => {
	test('no wait unless Wait for Completion is on', () => {
		expect(waitOptionsFrom(new InputChecker(node, 0), {})).toBeUndefined();
		expect(
			waitOptionsFrom(new InputChecker(node, 0), {
				waitForCompletion: false,
				waitTimeoutSeconds: 10,
			}),
		).toBeUndefined();
	});

	test("options left out take the editor's defaults", () => {
		expect(waitOptionsFrom(new InputChecker(node, 3), { waitForCompletion: true })).toEqual({
			timeoutSeconds: WAIT_LIMITS.defaultTimeoutSeconds,
			pollIntervalSeconds: WAIT_LIMITS.defaultPollIntervalSeconds,
			itemIndex: 3,
		});
		const defaults = Object.fromEntries(
			waitProperties.map((property) => [property.name, property.default]),
		);
		expect(defaults).toEqual({
			waitForCompletion: false,
			waitTimeoutSeconds: WAIT_LIMITS.defaultTimeoutSeconds,
			pollIntervalSeconds: WAIT_LIMITS.defaultPollIntervalSeconds,
		});
	});

	test('a timeout of 0 polls once; short intervals are accepted (the poller raises them to 2 s)', () => {
		expect(
			waitOptionsFrom(new InputChecker(node, 0), {
				waitForCompletion: true,
				waitTimeoutSeconds: 0,
				pollIntervalSeconds: 0.5,
			}),
		).toMatchObject({
			timeoutSeconds: 0,
			pollIntervalSeconds: 0.5,
		});
	});

	test.each([
		[{ waitTimeoutSeconds: 3601 }, '"Wait Timeout (Seconds)": 3601 is outside 0 to 3600'],
		[{ waitTimeoutSeconds: -1 }, '-1 is outside 0 to 3600'],
		[{ pollIntervalSeconds: 301 }, '"Poll Interval (Seconds)": 301 is outside 0 to 300'],
		[{ pollIntervalSeconds: Number('five') }, 'NaN is outside 0 to 300'],
	])('%o is refused', (parameters, message) => {
		expect(() =>
			waitOptionsFrom(new InputChecker(node, 0), { waitForCompletion: true, ...parameters }),
		).toThrow(message);
	});
});
