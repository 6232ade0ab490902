/**
 * Recognises the video container from a file's first bytes, and reads the duration where the container
 * states it there. The MIME type of n8n binary data is only a label; TikTok checks the real bytes and
 * fails the post minutes later, so the node looks at the bytes before posting.
 */

export type VideoContainer = 'mp4' | 'mov' | 'webm';

export type VideoHead =
	| { container: VideoContainer; durationSec: number | null }
	| { container: null; looksLike: string };

/** Bytes of the file's start to inspect: enough for a fast-start MP4's moov header or a WebM's Info. */
export const VIDEO_HEAD_BYTES = 1024 * 1024;

export const CONTAINER_MIME_TYPES: Record<VideoContainer, string> = {
	mp4: 'video/mp4',
	mov: 'video/quicktime',
	webm: 'video/webm',
};

export function inspectVideoHead(head: Buffer): VideoHead {
	if (head.length >= 8 && isIsoBox(head)) return inspectIsoMedia(head);
	if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return inspectEbml(head);
	return { container: null, looksLike: describeOtherFormat(head) };
}

// ISO base media (MP4) and QuickTime (MOV): a sequence of [size][type] boxes

const QUICKTIME_TOP_LEVEL_BOXES = ['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'];
const NON_VIDEO_BRANDS: Record<string, string> = {
	'M4A ': 'an M4A audio file',
	'M4B ': 'an M4B audio book',
	'M4P ': 'a protected M4P audio file',
	heic: 'a HEIC image',
	heix: 'a HEIC image',
	mif1: 'a HEIF image',
	msf1: 'a HEIF image sequence',
	avif: 'an AVIF image',
	avis: 'an AVIF image sequence',
	'crx ': 'a Canon raw photo',
};

function isIsoBox(head: Buffer): boolean {
	const type = head.toString('latin1', 4, 8);
	return type === 'ftyp' || QUICKTIME_TOP_LEVEL_BOXES.includes(type);
}

function inspectIsoMedia(head: Buffer): VideoHead {
	let container: VideoContainer = 'mov';
	if (head.toString('latin1', 4, 8) === 'ftyp' && head.length >= 12) {
		const brand = head.toString('latin1', 8, 12);
		if (NON_VIDEO_BRANDS[brand]) return { container: null, looksLike: NON_VIDEO_BRANDS[brand] };
		container = brand === 'qt  ' ? 'mov' : 'mp4';
	}
	let durationSec: number | null = null;
	for (const box of boxes(head, 0, head.length)) {
		if (box.type === 'moov') {
			const mvhd = boxes(head, box.contentStart, box.end).find((child) => child.type === 'mvhd');
			if (mvhd) durationSec = mvhdDuration(head, mvhd.contentStart);
			break;
		}
		// A file whose media data comes first keeps its duration at the end, beyond the head
		if (box.type === 'mdat') break;
	}
	return { container, durationSec };
}

interface Box {
	type: string;
	contentStart: number;
	/** End of the box, clipped to the bytes available */
	end: number;
}

function boxes(buffer: Buffer, start: number, end: number): Box[] {
	const found: Box[] = [];
	let offset = start;
	while (offset + 8 <= end) {
		let size = buffer.readUInt32BE(offset);
		const type = buffer.toString('latin1', offset + 4, offset + 8);
		let header = 8;
		if (size === 1) {
			if (offset + 16 > end) break;
			size = Number(buffer.readBigUInt64BE(offset + 8));
			header = 16;
		} else if (size === 0) {
			size = Number.MAX_SAFE_INTEGER; // runs to the end of the file
		}
		if (size < header) break;
		found.push({ type, contentStart: offset + header, end: Math.min(offset + size, end) });
		offset += size;
	}
	return found;
}

function mvhdDuration(buffer: Buffer, content: number): number | null {
	const version = buffer[content];
	const [timescaleAt, durationAt, durationBytes] = version === 1 ? [20, 24, 8] : [12, 16, 4];
	if (content + durationAt + durationBytes > buffer.length) return null;
	const timescale = buffer.readUInt32BE(content + timescaleAt);
	const duration =
		durationBytes === 8
			? Number(buffer.readBigUInt64BE(content + durationAt))
			: buffer.readUInt32BE(content + durationAt);
	// All ones means "unknown" in both versions
	const unknown = durationBytes === 8 ? duration >= 2 ** 64 - 1 : duration === 0xffffffff;
	return timescale > 0 && !unknown ? duration / timescale : null;
}

// WebM (a Matroska profile): EBML elements of [variable-length id][variable-length size]

const EBML_DOCTYPE = 0x4282;
const MATROSKA_SEGMENT = 0x18538067;
const MATROSKA_INFO = 0x1549a966;
const MATROSKA_TIMECODE_SCALE = 0x2ad7b1;
const MATROSKA_DURATION = 0x4489;

function inspectEbml(head: Buffer): VideoHead {
	const header = ebmlElement(head, 0);
	if (!header) return { container: null, looksLike: 'a truncated EBML file' };
	const docType = ebmlChildren(head, header.contentStart, header.end).find(
		(e) => e.id === EBML_DOCTYPE,
	);
	const type = docType
		? head.toString('latin1', docType.contentStart, docType.end).replace(/\0+$/, '')
		: '';
	if (type !== 'webm') {
		return {
			container: null,
			looksLike: type === 'matroska' ? 'a Matroska (MKV) file' : 'an EBML file',
		};
	}
	const segment = ebmlElement(head, header.end);
	if (!segment || segment.id !== MATROSKA_SEGMENT) return { container: 'webm', durationSec: null };
	const info = ebmlChildren(head, segment.contentStart, segment.end).find(
		(e) => e.id === MATROSKA_INFO,
	);
	if (!info) return { container: 'webm', durationSec: null };
	const fields = ebmlChildren(head, info.contentStart, info.end);
	const scaleElement = fields.find((e) => e.id === MATROSKA_TIMECODE_SCALE);
	const durationElement = fields.find((e) => e.id === MATROSKA_DURATION);
	const scaleNs = scaleElement
		? readUnsigned(head, scaleElement.contentStart, scaleElement.end)
		: 1_000_000;
	if (!durationElement) return { container: 'webm', durationSec: null };
	const length = durationElement.end - durationElement.contentStart;
	const ticks =
		length === 8
			? head.readDoubleBE(durationElement.contentStart)
			: length === 4
				? head.readFloatBE(durationElement.contentStart)
				: NaN;
	return {
		container: 'webm',
		durationSec: Number.isFinite(ticks) ? (ticks * scaleNs) / 1e9 : null,
	};
}

interface EbmlElement {
	id: number;
	contentStart: number;
	end: number;
}

function ebmlChildren(buffer: Buffer, start: number, end: number): EbmlElement[] {
	const children: EbmlElement[] = [];
	let offset = start;
	while (offset < end) {
		const element = ebmlElement(buffer, offset, end);
		if (!element) break;
		children.push(element);
		offset = element.end;
	}
	return children;
}

function ebmlElement(
	buffer: Buffer,
	offset: number,
	limit = buffer.length,
): EbmlElement | undefined {
	const id = vint(buffer, offset, true);
	if (!id) return undefined;
	const size = vint(buffer, offset + id.length, false);
	if (!size) return undefined;
	const contentStart = offset + id.length + size.length;
	// Unknown sizes (all ones) are common for live-written segments: run to the end of what we have
	const end = size.unknown ? limit : Math.min(contentStart + size.value, limit);
	return { id: id.value, contentStart, end };
}

function vint(buffer: Buffer, offset: number, keepMarker: boolean) {
	if (offset >= buffer.length) return undefined;
	const first = buffer[offset];
	let length = 1;
	while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
	if (length > 8 || offset + length > buffer.length) return undefined;
	let value = keepMarker ? first : first & (0xff >> length);
	let allOnes = value === 0xff >> length;
	for (let i = 1; i < length; i++) {
		value = value * 256 + buffer[offset + i];
		allOnes = allOnes && buffer[offset + i] === 0xff;
	}
	return { value, length, unknown: !keepMarker && allOnes };
}

function readUnsigned(buffer: Buffer, start: number, end: number): number {
	let value = 0;
	for (let i = start; i < end; i++) value = value * 256 + buffer[i];
	return value;
}

// Names for what a non-video file looks like, so the error can say "this is a PNG image"

const SIGNATURES: Array<[bytes: number[], offset: number, name: string]> = [
	[[0x89, 0x50, 0x4e, 0x47], 0, 'a PNG image'],
	[[0xff, 0xd8, 0xff], 0, 'a JPEG image'],
	[[0x47, 0x49, 0x46, 0x38], 0, 'a GIF image'],
	[[0x25, 0x50, 0x44, 0x46], 0, 'a PDF document'],
	[[0x46, 0x4c, 0x56], 0, 'an FLV video, which TikTok does not accept'],
	[[0x50, 0x4b, 0x03, 0x04], 0, 'a ZIP archive'],
	[[0x49, 0x44, 0x33], 0, 'an MP3 audio file'],
	[[0x1f, 0x8b], 0, 'a gzip archive'],
];

function describeOtherFormat(head: Buffer): string {
	if (head.length === 0) return 'an empty file';
	if (head.toString('latin1', 0, 4) === 'RIFF') {
		const kind = head.toString('latin1', 8, 12);
		if (kind === 'AVI ') return 'an AVI video, which TikTok does not accept';
		if (kind === 'WEBP') return 'a WEBP image';
		if (kind === 'WAVE') return 'a WAV audio file';
	}
	for (const [bytes, offset, name] of SIGNATURES) {
		if (bytes.every((byte, i) => head[offset + i] === byte)) return name;
	}
	if (head.length >= 189 && head[0] === 0x47 && head[188] === 0x47) {
		return 'an MPEG transport stream, which TikTok does not accept';
	}
	const text = head.toString('utf8', 0, Math.min(head.length, 64)).trimStart().toLowerCase();
	if (text.startsWith('<!doctype') || text.startsWith('<html'))
		return 'an HTML page (a download link rather than the file?)';
	if (text.startsWith('{') || text.startsWith('[')) return 'JSON text';
	return 'no known video format';
}
