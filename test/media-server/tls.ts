/** A throw-away self-signed certificate for the https variant (via the openssl CLI; node cannot make X.509 itself). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsMaterial {
	key: string;
	cert: string;
}

/** A P-256 key and a 2-day certificate for 127.0.0.1 and localhost. Trust `cert` as a CA (e.g. NODE_EXTRA_CA_CERTS) in the client. */
export function selfSignedCertificate(): TlsMaterial {
	const dir = mkdtempSync(join(tmpdir(), 'media-tls-'));
	try {
		const key = join(dir, 'key.pem');
		const cert = join(dir, 'cert.pem');
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'ec',
				'-pkeyopt',
				'ec_paramgen_curve:prime256v1',
				'-nodes',
				'-keyout',
				key,
				'-out',
				cert,
				'-days',
				'2',
				'-subj',
				'/CN=127.0.0.1',
				'-addext',
				'subjectAltName=IP:127.0.0.1,DNS:localhost',
			],
			{ stdio: 'ignore' },
		);
		return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
