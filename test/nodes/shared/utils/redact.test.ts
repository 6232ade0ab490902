import { redactSecrets } from '../../../../nodes/shared/utils/redact';

describe('redactSecrets', () => {
	test('redacts TikTok token shapes', () => {
		expect(redactSecrets('token act.9db86c59ABC!5259 and rft.e10a897y.x!5294 and clt.abc')).toBe(
			'token act.[redacted] and rft.[redacted] and clt.[redacted]',
		);
	});

	test('redacts secrets carried in URLs', () => {
		expect(
			redactSecrets(
				'PUT https://open-upload.tiktokapis.com/video/?upload_id=67890&upload_token=Xza123 failed',
			),
		).toBe(
			'PUT https://open-upload.tiktokapis.com/video/?upload_id=67890&upload_token=[redacted] failed',
		);
		expect(redactSecrets('/cb?code=abc123&state=x')).toBe('/cb?code=[redacted]&state=x');
	});

	test('redacts known secret values wherever they appear, but not short values', () => {
		expect(
			redactSecrets('secret s3cr3t-value leaked, flag true', ['s3cr3t-value', true, 'true']),
		).toBe('secret [redacted] leaked, flag true');
	});
});
