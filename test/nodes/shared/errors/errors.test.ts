import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import {
	attachPublishId,
	tikTokApiError,
	tikTokErrorContext,
	tikTokOperationError,
} from '../../../../nodes/shared/errors/nodeErrors';
import { explainTikTokError } from '../../../../nodes/shared/errors/messages';

const node: INode = {
	id: '1',
	name: 'TikTok',
	type: 'n8n-nodes-tiktok-publisher.tikTok',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Every error code in TikTok's common, Content Posting and photo error tables (docs/tiktok-api-notes.md). */
const DOCUMENTED_CODES = [
	'access_token_invalid',
	'scope_not_authorized',
	'scope_permission_missed',
	'invalid_params',
	'invalid_param',
	'invalid_file_upload',
	'rate_limit_exceeded',
	'internal_error',
	'app_version_check_failed',
	'invalid_publish_id',
	'token_not_authorized_for_specified_publish_id',
	'publish_not_cancellable',
	'spam_risk_too_many_posts',
	'spam_risk_user_banned_from_posting',
	'spam_risk_too_many_pending_share',
	'reached_active_user_cap',
	'unaudited_client_can_only_post_to_private_accounts',
	'url_ownership_unverified',
	'privacy_level_option_mismatch',
	'spam_risk_text',
	'spam_risk',
];

describe('explainTikTokError', () => {
	test.each(DOCUMENTED_CODES)('%s has its own message and fix', (code) => {
		const { message, fix } = explainTikTokError(code);
		expect(message).not.toContain(code);
		expect(fix.length).toBeGreaterThan(20);
	});

	test("invalid_param and invalid_params read the same, with TikTok's detail", () => {
		expect(explainTikTokError('invalid_param', 'The chunk size is invalid')).toEqual(
			explainTikTokError('invalid_params', 'The chunk size is invalid'),
		);
		expect(explainTikTokError('invalid_params', 'The chunk size is invalid').message).toContain(
			'The chunk size is invalid',
		);
	});

	test('the unaudited error tells the user the account itself must be private', () => {
		const { message, fix } = explainTikTokError(
			'unaudited_client_can_only_post_to_private_accounts',
		);
		expect(message).toMatch(/audit/);
		expect(fix).toMatch(/account itself to private/);
	});

	test('unknown codes name the code', () => {
		expect(explainTikTokError('brand_new_code', 'detail').message).toBe(
			'TikTok answered "brand_new_code": detail',
		);
	});
});

describe('error objects', () => {
	test('tikTokApiError carries code, log ID and HTTP status', () => {
		const error = tikTokApiError(
			node,
			{ code: 'rate_limit_exceeded', logId: '20220829194722CBE87ED59D524E727021', httpStatus: 429 },
			explainTikTokError('rate_limit_exceeded'),
		);
		expect(error.message).toBe("TikTok's rate limit was reached");
		expect(error.description).toContain('20220829194722CBE87ED59D524E727021');
		expect(error.httpCode).toBe('429');
		expect(tikTokErrorContext(error)).toEqual({
			code: 'rate_limit_exceeded',
			logId: '20220829194722CBE87ED59D524E727021',
			httpStatus: 429,
		});
	});

	test('attachPublishId puts the publish ID in the message, description and context once', () => {
		const error = tikTokOperationError(node, 'Upload of chunk 3 of 5 failed', 'Try later.', {
			code: 'upload_failed',
		});
		attachPublishId(error, 'v_pub_file~v2-1.7602997070760331285');
		attachPublishId(error, 'v_pub_file~v2-1.7602997070760331285');
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'Upload of chunk 3 of 5 failed (publish ID v_pub_file~v2-1.7602997070760331285)',
		);
		expect(error.description).toMatch(/^Try later\. TikTok already accepted this post/);
		expect(tikTokErrorContext(error)).toEqual({
			code: 'upload_failed',
			publishId: 'v_pub_file~v2-1.7602997070760331285',
		});
	});
});
