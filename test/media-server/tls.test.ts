import * as https from 'node:https';
import { selfSignedCertificate, startMediaServer } from './index';

test('https with a self-signed certificate: ranges and switches as over http', async () => {
	const tls = selfSignedCertificate();
	const server = await startMediaServer({ tls, files: { '/v.mp4': { size: 100_000 } } });
	try {
		expect(server.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
		const result = await new Promise<{ status: number; range?: string; length: number }>(
			(resolve, reject) => {
				https
					.get(
						server.url('/v.mp4'),
						{ ca: tls.cert, headers: { Range: 'bytes=0-999' }, agent: false },
						(res) => {
							let length = 0;
							res.on('data', (part: Buffer) => (length += part.length));
							res.on('end', () =>
								resolve({
									status: res.statusCode ?? 0,
									range: res.headers['content-range'],
									length,
								}),
							);
						},
					)
					.on('error', reject);
			},
		);
		expect(result).toEqual({ status: 206, range: 'bytes 0-999/100000', length: 1000 });
		expect(server.connectionCount).toBe(1);
		// An untrusting client refuses it.
		await expect(fetch(server.url('/v.mp4'))).rejects.toThrow();
	} finally {
		await server.close();
	}
});
