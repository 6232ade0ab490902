/** ISO time of a TikTok create_time: seconds, or milliseconds when it is that large (the portal's test ping). */
export function isoTime(createTime: number | null): string | null {
	if (createTime === null || !Number.isFinite(createTime) || createTime <= 0) return null;
	const ms = createTime > 100_000_000_000 ? createTime : createTime * 1000;
	const date = new Date(ms);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
