import { ObservableObject } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { isDuplicateEvent, REMEMBERED_EVENTS } from '../../../nodes/TikTokTrigger/helpers/dedupe';

describe('isDuplicateEvent', () => {
	test('remembers a key once and reports it as a duplicate afterwards', () => {
		const staticData: IDataObject = {};
		expect(isDuplicateEvent(staticData, 'a')).toBe(false);
		expect(isDuplicateEvent(staticData, 'a')).toBe(true);
		expect(isDuplicateEvent(staticData, 'b')).toBe(false);
		expect(staticData.recentEventKeys).toEqual(['a', 'b']);
	});

	test('is bounded: the oldest keys are forgotten first', () => {
		const staticData: IDataObject = {};
		for (const key of ['a', 'b', 'c', 'd']) isDuplicateEvent(staticData, key, 3);
		expect(staticData.recentEventKeys).toEqual(['b', 'c', 'd']);
		expect(isDuplicateEvent(staticData, 'a', 3)).toBe(false);
		expect(REMEMBERED_EVENTS).toBe(1000);
	});

	test("marks n8n's static data as changed, so n8n saves it (it only notices assignments)", () => {
		const workflowStaticData = ObservableObject.create({
			'node:TikTok Trigger': { recentEventKeys: ['a'] },
		}) as IDataObject;
		const nodeData = workflowStaticData['node:TikTok Trigger'] as IDataObject;
		expect(workflowStaticData.__dataChanged).toBe(false);
		expect(isDuplicateEvent(nodeData, 'a')).toBe(true);
		expect(workflowStaticData.__dataChanged).toBe(false);
		expect(isDuplicateEvent(nodeData, 'b')).toBe(false);
		expect(workflowStaticData.__dataChanged).toBe(true);
	});
});
