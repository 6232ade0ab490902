import type { INode } from 'n8n-workflow';

import { InputChecker } from '../../../../nodes/TikTok/input/checker';
import { checkVideoSize } from '../../../../nodes/TikTok/media/binarySource';

const node: INode = {
	id: 'n1',
	name: 'TikTok',
	type: 'n8n-nodes-tiktok-publisher.tikTok',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

describe('checkVideoSize (sizes a test cannot cheaply create as binary data)', () => {
	test('4,000,000,000 bytes is the largest video: 4 GB under both readings of "GB"', () => {
		expect(() =>
			checkVideoSize(new InputChecker(node, 0), 4_000_000_000, 'long.mp4'),
		).not.toThrow();
		expect(() => checkVideoSize(new InputChecker(node, 0), 4_000_000_001, 'long.mp4')).toThrow(
			'Invalid "Input Binary Field": the file "long.mp4" is 4000000001 bytes and TikTok accepts videos up to 4 GB (the node allows 4000000000 bytes, the limit under both readings of "GB")',
		);
	});

	test('4 GiB is refused before anything is posted', () => {
		let error: Error & { description?: string } = new Error('none');
		try {
			checkVideoSize(new InputChecker(node, 3), 4_294_967_296);
		} catch (thrown) {
			error = thrown as typeof error;
		}
		expect(error.message).toMatch(/^Invalid "Input Binary Field": the file is 4294967296 bytes/);
		expect(error.description).toMatch(/Compress or shorten the video/);
	});

	test('an empty file', () => {
		expect(() => checkVideoSize(new InputChecker(node, 0), 0, 'empty.mp4')).toThrow(
			'Invalid "Input Binary Field": the file "empty.mp4" is empty (0 bytes)',
		);
	});
});
