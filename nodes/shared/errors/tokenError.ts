import { ExecutionBaseError } from 'n8n-workflow';

/**
 * Thrown when TikTok's token endpoint refuses a refresh or a code exchange. It extends n8n's
 * ExecutionBaseError because n8n wraps errors from preAuthentication in a NodeApiError that keeps only the
 * context of such errors: the TikTok node reads `context.tikTok` to tell a token failure from a network one.
 */
export class TikTokTokenError extends ExecutionBaseError {
	constructor(message: string, code: string, logId?: string) {
		super(message);
		this.name = 'TikTokTokenError';
		this.context.tikTok = { code, logId };
	}
}
