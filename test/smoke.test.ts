import { NodeOperationError } from 'n8n-workflow';
test('n8n-workflow loads', () => {
	expect(typeof NodeOperationError).toBe('function');
});
