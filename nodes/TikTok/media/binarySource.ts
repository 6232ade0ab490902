import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { InputChecker } from '../input/checker';
import { bufferSource, streamSource } from '../upload';
import type { UploadSource } from '../upload';
import { checkVideoFileSize, readHead } from './videoFile';
import { CONTAINER_MIME_TYPES, inspectVideoHead, VIDEO_HEAD_BYTES } from './videoContainer';
import type { VideoContainer } from './videoContainer';

/** Read size of the file stream: small next to a chunk, large enough to keep system calls few. */
const STREAM_PIECE_BYTES = 1024 * 1024;

export interface BinaryVideo {
	size: number;
	fileName?: string;
	container: VideoContainer;
	/** video/mp4, video/quicktime or video/webm, from the bytes rather than the binary's label */
	contentType: string;
	/** From the container's header, when it states one there */
	durationSec: number | null;
	/** The bytes for the upload: streamed from n8n's binary store, or views of the in-memory buffer */
	openSource: () => UploadSource;
}

/**
 * The item's video, checked before anything is sent to TikTok: present, not empty, within 4 GB, and an
 * MP4, MOV or WebM by its first bytes. Binary data in n8n's store (filesystem, S3, database) is never
 * loaded whole: its size comes from the store's metadata and only its first megabyte is read here.
 */
export async function readBinaryVideo(
	this: IExecuteFunctions,
	check: InputChecker,
	propertyName: string,
): Promise<BinaryVideo> {
	const binary = findBinary.call(this, check, propertyName);
	const { size, head, openSource } = binary.id
		? await fromStore.call(this, check, binary.id, binary)
		: await fromMemory.call(this, check.itemIndex, propertyName);
	const fileName = binary.fileName;
	checkVideoSize(check, size, fileName);
	const inspected = inspectVideoHead(head);
	if (inspected.container === null) {
		throw check.invalid(
			'Input Binary Field',
			`${describeFile(propertyName, fileName)} looks like ${inspected.looksLike}, not a video TikTok accepts (MP4, MOV or WebM)`,
			'Pass an MP4 (H.264 recommended), MOV or WebM video; convert other formats first, for example with FFmpeg.',
		);
	}
	return {
		size,
		fileName,
		container: inspected.container,
		contentType: CONTAINER_MIME_TYPES[inspected.container],
		durationSec: inspected.durationSec,
		openSource,
	};
}

/** Not empty and at most TikTok's 4 GB, read as 4,000,000,000 bytes (the safe reading). */
export function checkVideoSize(check: InputChecker, size: number, fileName?: string): void {
	checkVideoFileSize(
		check,
		{
			field: 'Input Binary Field',
			file: fileName ? `the file "${fileName}"` : 'the file',
			emptyFix: 'Check the node that produced the binary data: it wrote no bytes.',
		},
		size,
	);
}

function findBinary(
	this: IExecuteFunctions,
	check: InputChecker,
	propertyName: string,
): IBinaryData {
	const { itemIndex } = check;
	if (!propertyName) {
		throw check.invalid(
			'Input Binary Field',
			'it is empty',
			'Enter the name of the binary field that holds the video, usually "data".',
		);
	}
	const binaries = this.getInputData()[itemIndex]?.binary ?? {};
	if (binaries[propertyName]) return this.helpers.assertBinaryData(itemIndex, propertyName);
	const names = Object.keys(binaries);
	throw check.invalid(
		'Input Binary Field',
		names.length
			? `item ${itemIndex} has no binary field "${propertyName}"; its binary fields are ${names.map((name) => `"${name}"`).join(', ')}`
			: `item ${itemIndex} has no binary data at all, so there is no field "${propertyName}"`,
		'Binary fields are listed on the Binary tab of the previous node\'s output (nodes such as Read/Write Files from Disk or HTTP Request name theirs "data"). Enter the right name, or make sure the previous node outputs the video as binary data.',
	);
}

interface VideoBytes {
	size: number;
	head: Buffer;
	openSource: () => UploadSource;
}

async function fromStore(
	this: IExecuteFunctions,
	check: InputChecker,
	id: string,
	binary: IBinaryData,
): Promise<VideoBytes> {
	const metadata = await this.helpers.getBinaryMetadata(id);
	const size = Number(metadata.fileSize ?? (binary as { bytes?: number }).bytes);
	if (!Number.isSafeInteger(size) || size < 0) {
		throw check.invalid(
			'Input Binary Field',
			'n8n did not record the size of this binary data',
			'Re-create the binary data with a node that stores files, such as Read/Write Files from Disk.',
		);
	}
	const head =
		size === 0
			? Buffer.alloc(0)
			: await readHead(await this.helpers.getBinaryStream(id, VIDEO_HEAD_BYTES), VIDEO_HEAD_BYTES);
	const open = async () => await this.helpers.getBinaryStream(id, STREAM_PIECE_BYTES);
	return { size, head, openSource: () => streamSource(open, size) };
}

async function fromMemory(
	this: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
): Promise<VideoBytes> {
	// In n8n's in-memory mode the file already is in the item; it is decoded once and cut with views
	const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	return {
		size: buffer.length,
		head: buffer.subarray(0, VIDEO_HEAD_BYTES),
		openSource: () => bufferSource(buffer),
	};
}

function describeFile(propertyName: string, fileName?: string): string {
	return fileName
		? `the file "${fileName}" (binary field "${propertyName}")`
		: `the binary field "${propertyName}"`;
}
