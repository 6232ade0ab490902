import { inspectVideoHead } from '../../../../nodes/TikTok/media/videoContainer';
import { isoHead, sampleMp4, webmHead } from '../../../fixtures/sampleVideo';

describe('inspectVideoHead', () => {
	test('MP4 with its duration from mvhd (version 0 and 1)', () => {
		expect(inspectVideoHead(isoHead({ durationSec: 42.5 }))).toEqual({
			container: 'mp4',
			durationSec: 42.5,
		});
		expect(inspectVideoHead(isoHead({ durationSec: 3600, mvhdVersion: 1 }))).toEqual({
			container: 'mp4',
			durationSec: 3600,
		});
	});

	test('MOV by its qt brand, and old QuickTime files without ftyp', () => {
		expect(inspectVideoHead(isoHead({ brand: 'qt  ', durationSec: 10 }))).toEqual({
			container: 'mov',
			durationSec: 10,
		});
		const bare = Buffer.alloc(16);
		bare.writeUInt32BE(16, 0);
		bare.write('wide', 4, 'latin1');
		expect(inspectVideoHead(bare)).toEqual({ container: 'mov', durationSec: null });
	});

	test('duration unknown when the media data comes before moov', () => {
		const file = sampleMp4(200_000, { moovAtEnd: true, durationSec: 12 });
		expect(inspectVideoHead(file.subarray(0, 100_000))).toEqual({
			container: 'mp4',
			durationSec: null,
		});
	});

	test('a 64-bit mdat size is walked past', () => {
		const head = Buffer.concat([isoHead({ durationSec: 5 }).subarray(0, 32), Buffer.alloc(16)]);
		head.writeUInt32BE(1, 32);
		head.write('mdat', 36, 'latin1');
		head.writeBigUInt64BE(5_000_000_000n, 40);
		expect(inspectVideoHead(head)).toEqual({ container: 'mp4', durationSec: null });
	});

	test('WebM with its duration; Matroska is not WebM', () => {
		expect(inspectVideoHead(webmHead(61.25))).toEqual({ container: 'webm', durationSec: 61.25 });
		expect(inspectVideoHead(webmHead(5, 'matroska'))).toEqual({
			container: null,
			looksLike: 'a Matroska (MKV) file',
		});
	});

	test.each([
		[Buffer.from('89504e470d0a1a0a0000', 'hex'), 'a PNG image'],
		[Buffer.from('ffd8ffe000104a464946', 'hex'), 'a JPEG image'],
		[Buffer.from('GIF89a......'), 'a GIF image'],
		[
			Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('AVI LIST')]),
			'an AVI video, which TikTok does not accept',
		],
		[Buffer.from('<!DOCTYPE html><html>'), 'an HTML page (a download link rather than the file?)'],
		[Buffer.alloc(0), 'an empty file'],
		[
			Buffer.from([0x00, 0x00, 0x00, 0x20, 0x66, 0x74, 0x79, 0x70, 0x4d, 0x34, 0x41, 0x20]),
			'an M4A audio file',
		],
		[Buffer.from('plain text'), 'no known video format'],
	])('recognises non-video %#', (head, looksLike) => {
		expect(inspectVideoHead(head)).toEqual({ container: null, looksLike });
	});
});
