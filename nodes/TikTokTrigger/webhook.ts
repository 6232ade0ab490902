import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { credentialIdOf, credentialTypeOf } from '../shared/transport/context';
import { tikTokPostUrl } from '../shared/transport/hosts';
import type { TriggerOptions } from './description';
import {
	cacheAccount,
	cachedAccount,
	lookUpConnectedAccount,
	openIdFromCredential,
} from './helpers/account';
import type { ConnectedAccount } from './helpers/account';
import { isDuplicateEvent } from './helpers/dedupe';
import {
	DEFAULT_EVENTS,
	eventDedupeKey,
	isEventSelected,
	parseEnvelope,
	toEventItem,
} from './helpers/events';
import type { TikTokEnvelope } from './helpers/events';
import {
	DEFAULT_TOLERANCE_SECONDS,
	SIGNATURE_HEADER,
	verifyTikTokSignature,
} from './helpers/signature';
import type { SignatureFailure } from './helpers/signature';

/** Why a verified request started nothing; sent back in the 200 body, which TikTok ignores. */
type IgnoredReason = 'not_an_event' | 'event_not_selected' | 'other_account' | 'duplicate';

/**
 * Handles one TikTok delivery: verify the signature on the raw bytes, then filter, deduplicate and emit.
 * Everything after verification answers 200 (TikTok retries anything else for 72 hours).
 *
 * The node always answers itself (`noWebhookResponse`), even when it starts the workflow: n8n saves the
 * workflow's static data when the response goes out, and only then starts the run. Left to n8n's
 * `onReceived` response, n8n 2.x starts the run first, which resets the "static data changed" flag, and the
 * duplicate memory would never be saved.
 */
export async function receiveTikTokWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const rawBody = await readRawBody(this);
	const verdict = verifyTikTokSignature({
		header: this.getHeaderData()[SIGNATURE_HEADER],
		rawBody,
		clientSecret: await clientSecretOf(this),
		nowMs: Date.now(),
		toleranceSeconds: triggerOptions(this).timestampToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
	});
	if (!verdict.valid) return rejectUnauthorized(this, verdict.reason);

	const envelope = parseEnvelope(rawBody);
	if (!envelope) return acknowledgeIgnored(this, 'not_an_event');
	const events = this.getNodeParameter('events', DEFAULT_EVENTS) as string[];
	if (!isEventSelected(envelope.event, events))
		return acknowledgeIgnored(this, 'event_not_selected', envelope);

	const staticData = this.getWorkflowStaticData('node');
	if (triggerOptions(this).onlyConnectedAccount) {
		const openId = await connectedOpenId(this, staticData);
		if (envelope.user_openid !== openId) return acknowledgeIgnored(this, 'other_account', envelope);
	}
	if (isDuplicateEvent(staticData, eventDedupeKey(envelope)))
		return acknowledgeIgnored(this, 'duplicate', envelope);

	const account = cachedAccount(staticData, this.getNode());
	const item = toEventItem(envelope, (postId, userOpenId) =>
		shareUrlFor(account, postId, userOpenId),
	);
	respond(this, 200, { received: true });
	return { noWebhookResponse: true, workflowData: [this.helpers.returnJsonArray([item])] };
}

/** n8n keeps the bytes it parsed the JSON from; read them ourselves if a host did not. */
async function readRawBody(context: IWebhookFunctions): Promise<Buffer> {
	const request = context.getRequestObject();
	if (!request.rawBody && typeof request.readRawBody === 'function') await request.readRawBody();
	const raw: unknown = request.rawBody;
	if (Buffer.isBuffer(raw)) return raw;
	if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
	// Re-serialised JSON never matches TikTok's signature: verifying it would reject every real event silently
	throw new NodeOperationError(
		context.getNode(),
		'n8n did not provide the raw request body, so the TikTok signature cannot be checked',
		{
			description:
				'Make sure nothing in front of n8n (proxy, body parser) rewrites the request. TikTok will retry the event.',
		},
	);
}

async function clientSecretOf(context: IWebhookFunctions): Promise<string> {
	const credentials = await context.getCredentials(credentialTypeOf(context.getNode()));
	const secret =
		typeof credentials.clientSecret === 'string' ? credentials.clientSecret.trim() : '';
	if (secret === '') {
		throw new NodeOperationError(context.getNode(), 'The TikTok credential has no Client Secret', {
			description:
				"TikTok signs every webhook with your app's Client Secret: enter it in the credential.",
		});
	}
	return secret;
}

function triggerOptions(context: IWebhookFunctions): TriggerOptions {
	return context.getNodeParameter('options', {}) as TriggerOptions;
}

/** Answers 401 without starting the workflow. */
function rejectUnauthorized(
	context: IWebhookFunctions,
	reason: SignatureFailure,
): IWebhookResponseData {
	context.logger.warn(`TikTok Trigger rejected a request: ${reason}`, {
		node: context.getNode().name,
		reason,
	});
	respond(context, 401, { error: 'unauthorized', reason });
	return { noWebhookResponse: true };
}

/** Answers 200 (so TikTok stops redelivering) without starting the workflow. */
function acknowledgeIgnored(
	context: IWebhookFunctions,
	reason: IgnoredReason,
	envelope?: TikTokEnvelope,
): IWebhookResponseData {
	context.logger.debug(`TikTok Trigger ignored an event: ${reason}`, {
		node: context.getNode().name,
		event: envelope?.event,
	});
	respond(context, 200, { received: true, ignored: reason });
	return { noWebhookResponse: true };
}

function respond(context: IWebhookFunctions, status: number, body: IDataObject): void {
	const response = context.getResponseObject();
	response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body));
}

/**
 * The connected account's open_id: cached at activation, else from the credential, else asked from TikTok
 * (one request, only when activation could not cache it). Unknown means the filter cannot work: fail, so
 * n8n answers 500, the failed execution shows why, and TikTok redelivers the event later.
 */
async function connectedOpenId(
	context: IWebhookFunctions,
	staticData: IDataObject,
): Promise<string> {
	const cached = cachedAccount(staticData, context.getNode());
	if (cached?.openId) return cached.openId;
	let openId = await openIdFromCredential.call(context);
	let problems: string[] = [];
	if (!openId)
		({
			account: { openId },
			problems,
		} = await lookUpConnectedAccount.call(context));
	if (!openId) {
		throw new NodeOperationError(
			context.getNode(),
			'Could not find out which TikTok account the credential belongs to',
			{
				description: `"Only Events of the Connected Account" needs the account's open_id. ${problems.join('; ')}`,
			},
		);
	}
	const account: ConnectedAccount = cached ?? {
		credentialId: credentialIdOf(context.getNode()),
		openId: null,
		username: null,
	};
	cacheAccount(staticData, { ...account, openId });
	return openId;
}

/** The username is only known for the credential's own account; other accounts' posts get no link. */
function shareUrlFor(
	account: ConnectedAccount | undefined,
	postId: string,
	userOpenId: string | null,
): string | null {
	if (!account?.username || !account.openId || account.openId !== userOpenId) return null;
	return tikTokPostUrl(account.username, postId);
}
