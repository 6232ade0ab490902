/**
 * Token-shaped strings TikTok issues (`act.`, `rft.`, `clt.` prefixes) and the secrets carried in upload
 * URLs. Anything matching never reaches an output, a log line or an error message.
 */
const TOKEN_PATTERN = /\b(act|rft|clt)\.[A-Za-z0-9._~!*%-]+/g;
const URL_SECRET_PATTERN =
	/([?&](?:upload_token|access_token|refresh_token|client_secret|code)=)[^&#\s"']+/gi;

/** Replaces TikTok tokens, URL-borne secrets and the given known secret values with `[redacted]`. */
export function redactSecrets(text: string, knownSecrets: unknown[] = []): string {
	let result = text
		.replace(TOKEN_PATTERN, '$1.[redacted]')
		.replace(URL_SECRET_PATTERN, '$1[redacted]');
	for (const secret of knownSecrets) {
		// Short values (booleans, "0") would redact ordinary words; real secrets are long
		if (typeof secret === 'string' && secret.length >= 8)
			result = result.split(secret).join('[redacted]');
	}
	return result;
}
