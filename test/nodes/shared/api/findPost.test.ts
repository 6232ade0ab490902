/** The comparison behind Find Post in Video List: captions, TikTok's 150-character cut, the publish ID's time. */
import {
	candidatesFor,
	captionMatches,
	normalizeCaption,
	publishIdTimeMs,
	videoHasCaption,
} from '../../../../nodes/shared/api/findPost';
import type { VideoItem } from '../../../../nodes/shared/api/videos';

function video(partial: Partial<VideoItem>): VideoItem {
	return {
		postId: '7602997517160123666',
		title: null,
		description: null,
		createTime: 1_800_000_000,
		createdAt: null,
		durationSeconds: null,
		width: null,
		height: null,
		coverImageUrl: null,
		shareUrl: null,
		embedLink: null,
		viewCount: null,
		likeCount: null,
		commentCount: null,
		shareCount: null,
		...partial,
	};
}

describe('caption comparison', () => {
	test('trimmed, line breaks unified, Unicode normalised', () => {
		expect(normalizeCaption('  Line one\r\nline two\n')).toBe('Line one\nline two');
		expect(normalizeCaption('Cafe\u0301')).toBe(normalizeCaption('Café'));
		expect(videoHasCaption(video({ title: 'Café #n8n ' }), ' Cafe\u0301 #n8n')).toBe(true);
	});

	test("TikTok's cut at 150 characters matches; a shorter prefix does not", () => {
		const caption = `${'x'.repeat(149)}yz and more`;
		expect(captionMatches(caption.slice(0, 150), caption)).toBe(true);
		expect(captionMatches(caption.slice(0, 120), caption)).toBe(false);
		expect(captionMatches('Sunset', 'Sunset over the harbour')).toBe(false);
	});

	test('a cut followed by trimmed whitespace, or counted in characters, or splitting an emoji, matches', () => {
		const spaced = `${'a'.repeat(148)}  tail`;
		expect(captionMatches('a'.repeat(148), spaced)).toBe(true);
		const emoji = '🌅'.repeat(160);
		expect(captionMatches([...emoji].slice(0, 150).join(''), emoji)).toBe(true);
		const split = `${'b'.repeat(149)}🌅 after`;
		expect(captionMatches('b'.repeat(149), split)).toBe(true);
	});

	test('title or description may carry the caption; an empty caption only matches a video without text', () => {
		expect(videoHasCaption(video({ title: 'T', description: 'Caption' }), 'Caption')).toBe(true);
		expect(videoHasCaption(video({ title: null, description: null }), '')).toBe(true);
		expect(videoHasCaption(video({ title: 'Something' }), '')).toBe(false);
		expect(videoHasCaption(video({ title: null }), 'Caption')).toBe(false);
	});

	test('candidates are created at or after the second the post was sent', () => {
		const videos = [
			video({ postId: 'new', title: 'C', createTime: 100 }),
			video({ postId: 'old', title: 'C', createTime: 99 }),
		];
		expect(candidatesFor(videos, 'C', 100).map((v) => v.postId)).toEqual(['new']);
	});
});

describe('publish ID time', () => {
	test("TikTok's ids carry their creation second in the top bits", () => {
		expect(new Date(publishIdTimeMs('v_pub_file~v2-1.7602997070760331285')!).toISOString()).toBe(
			'2026-02-04T13:11:41.000Z',
		);
		expect(new Date(publishIdTimeMs('v_pub_url~v2-1.7261463769757501445')!).toISOString()).toBe(
			'2023-07-30T04:28:03.000Z',
		);
	});

	test('an id without 19 digits, or with an implausible time, gives undefined', () => {
		expect(publishIdTimeMs('v_pub_url~v2.123456789')).toBeUndefined();
		expect(publishIdTimeMs('p_pub_url~v2.1000000000000000000')).toBeUndefined();
		expect(
			publishIdTimeMs('v_pub_file~v2-1.9902997070760331285', Date.UTC(2026, 0, 1)),
		).toBeUndefined();
	});
});
