import type { INode } from 'n8n-workflow';

import {
	checkCoverIndex,
	checkPhotoUrls,
	listPhotoUrls,
} from '../../../../../nodes/TikTok/actions/photo/publish.input';
import { InputChecker } from '../../../../../nodes/TikTok/input/checker';

const node = {
	name: 'TikTok',
	type: 'n8n-nodes-tiktok-publisher.tikTok',
	typeVersion: 1,
	parameters: {},
} as INode;

const check = (itemIndex = 0) => new InputChecker(node, itemIndex);

const A = 'https://media.example.com/a.jpg';
const B = 'https://media.example.com/b.webp';

describe('listPhotoUrls', () => {
	test.each<[string, unknown, string[]]>([
		["the editor's list, empty entries dropped", [A, '', ` ${B} `], [A, B]],
		['nested lists from expressions', [[A], [[B]]], [A, B]],
		['one URL per line', `${A}\r\n\n${B}\n`, [A, B]],
		['commas or spaces before another URL', `${A}, ${B} ${A},${B}`, [A, B, A, B]],
		[
			'commas inside a URL',
			'https://cdn.example.com/w_1080,h_1350,c_fill/a.jpg',
			['https://cdn.example.com/w_1080,h_1350,c_fill/a.jpg'],
		],
		['a trailing comma', `${A},`, [A]],
		['a JSON array in text', JSON.stringify([A, B]), [A, B]],
		['nothing', undefined, []],
	])('%s', (_name, value, expected) => {
		expect(listPhotoUrls(check(0), value)).toEqual(expected);
	});

	test('an object where a URL should be names the fix', () => {
		expect(() => listPhotoUrls(check(0), [A, { url: B }])).toThrow(
			'Invalid "Photo URLs": it holds an object where a URL should be',
		);
		expect(() => listPhotoUrls(check(0), [42])).toThrow('it holds the number 42');
	});
});

describe('checkPhotoUrls', () => {
	test('1 to 35 https JPEG or WEBP URLs pass; extensionless and dynamic URLs pass too', () => {
		expect(() => checkPhotoUrls(check(0), Array(35).fill(A))).not.toThrow();
		expect(() =>
			checkPhotoUrls(check(0), [
				'https://media.example.com/photo?id=1',
				'https://media.example.com/render.php',
			]),
		).not.toThrow();
		expect(() => checkPhotoUrls(check(0), ['https://media.example.com/a.JPEG'])).not.toThrow();
	});

	test.each([
		['https://media.example.com/a.png', /PNG image, and TikTok accepts only JPEG and WEBP photos/],
		['https://media.example.com/a.gif', /GIF image/],
		['https://media.example.com/a.HEIC', /HEIC image/],
		['https://media.example.com/a.mov', /is a video/],
	])('%s is refused', (url, message) => {
		expect(() => checkPhotoUrls(check(0), [A, url])).toThrow(message);
		expect(() => checkPhotoUrls(check(0), [A, url])).toThrow('Invalid "Photo URL 2"');
	});

	test('the extension is read from the path, not the query', () => {
		expect(() =>
			checkPhotoUrls(check(0), ['https://media.example.com/a.jpg?format=.png']),
		).not.toThrow();
		expect(() => checkPhotoUrls(check(0), ['https://media.example.com/a.png?as=.jpg'])).toThrow(
			/PNG/,
		);
	});
});

describe('checkCoverIndex', () => {
	test('inside the list, whole numbers only', () => {
		expect(() => checkCoverIndex(check(0), 0, 1)).not.toThrow();
		expect(() => checkCoverIndex(check(0), 34, 35)).not.toThrow();
		expect(() => checkCoverIndex(check(0), 1, 1)).toThrow('1 is outside 0 to 0');
		expect(() => checkCoverIndex(check(0), NaN, 3)).toThrow('NaN is outside 0 to 2');
		expect(() => checkCoverIndex(check(0), 0.5, 3)).toThrow('0.5 is not a whole number');
	});
});
