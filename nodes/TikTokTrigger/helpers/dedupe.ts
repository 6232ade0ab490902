import type { IDataObject } from 'n8n-workflow';

/**
 * How many accepted events the trigger remembers. TikTok redelivers for up to 72 hours; 1000 events cover
 * that window for any account posting through the API (about 15 posts a day), and cost about 35 KB of static data.
 */
export const REMEMBERED_EVENTS = 1000;

const KEY = 'recentEventKeys';

/** True when the key was already remembered; otherwise remembers it (newest last) and returns false. */
export function isDuplicateEvent(
	staticData: IDataObject,
	key: string,
	limit = REMEMBERED_EVENTS,
): boolean {
	const remembered = Array.isArray(staticData[KEY])
		? (staticData[KEY] as unknown[]).map(String)
		: [];
	if (remembered.includes(key)) return true;
	// Assign a new array: n8n saves static data only when a property is set, not when an array is mutated
	staticData[KEY] = [...remembered, key].slice(-limit);
	return false;
}
