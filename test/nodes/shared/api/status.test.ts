import { toPostStatus } from '../../../../nodes/shared/api/status';
import { explainFailReason } from '../../../../nodes/shared/errors/messages';

describe('toPostStatus', () => {
	test('maps a completed public post with exact string ids', () => {
		expect(
			toPostStatus('v_pub_file~v2-1.1', {
				status: 'PUBLISH_COMPLETE',
				publicaly_available_post_id: ['7602997517160123666', 1234],
				uploaded_bytes: 10000,
			}),
		).toEqual({
			publishId: 'v_pub_file~v2-1.1',
			status: 'PUBLISH_COMPLETE',
			failReason: null,
			failReasonDescription: null,
			postIds: ['7602997517160123666', '1234'],
			uploadedBytes: 10000,
			downloadedBytes: null,
			isFinal: true,
		});
	});

	test('explains fail reasons and marks FAILED final', () => {
		const status = toPostStatus('p', {
			status: 'FAILED',
			fail_reason: 'picture_size_check_failed',
		});
		expect(status.isFinal).toBe(true);
		expect(status.failReasonDescription).toMatch(/picture size/i);
	});

	test.each(['PROCESSING_UPLOAD', 'PROCESSING_DOWNLOAD', 'SENDING_TO_USER_INBOX', 'SOMETHING_NEW'])(
		'%s is not final',
		(value) => {
			expect(toPostStatus('p', { status: value }).isFinal).toBe(false);
		},
	);

	test('SEND_TO_USER_INBOX is final for a workflow', () => {
		expect(toPostStatus('p', { status: 'SEND_TO_USER_INBOX' }).isFinal).toBe(true);
	});
});

describe('explainFailReason', () => {
	test("matches full names before short forms, and falls back to TikTok's value", () => {
		expect(explainFailReason('spam_risk_text')).toMatch(/title or description/);
		expect(explainFailReason('spam_risk')).toMatch(/risky/);
		expect(explainFailReason('duration')).toMatch(/duration/);
		expect(explainFailReason('brand_new_reason')).toBe('TikTok reported "brand_new_reason".');
	});
});
