import { parseJsonLossless } from '../../../../nodes/shared/transport/json';

describe('parseJsonLossless', () => {
	test('keeps 19-digit post ids exact, as strings', () => {
		const text =
			'{"data":{"status":"PUBLISH_COMPLETE","publicaly_available_post_id":[7602997517160123666,9223372036854775807]}}';
		expect(JSON.parse(text).data.publicaly_available_post_id[0]).not.toBe(
			7602997517160123666n.toString(),
		);
		expect(parseJsonLossless(text)).toEqual({
			data: {
				status: 'PUBLISH_COMPLETE',
				publicaly_available_post_id: ['7602997517160123666', '9223372036854775807'],
			},
		});
	});

	test('leaves safe numbers, decimals, exponents and negative numbers as numbers', () => {
		expect(
			parseJsonLossless('{"a":10000,"b":-5,"c":1.5e30,"d":9007199254740991,"e":0.25}'),
		).toEqual({
			a: 10000,
			b: -5,
			c: 1.5e30,
			d: 9007199254740991,
			e: 0.25,
		});
	});

	test('quotes unsafe negative integers and the first unsafe value 2^53 + 1', () => {
		expect(parseJsonLossless('[-9007199254740993, 9007199254740993]')).toEqual([
			'-9007199254740993',
			'9007199254740993',
		]);
	});

	test('does not touch digits inside strings, including escaped quotes', () => {
		const text = '{"t":"id 7602997517160123666 \\"7602997517160123666\\"","n":7602997517160123666}';
		expect(parseJsonLossless(text)).toEqual({
			t: 'id 7602997517160123666 "7602997517160123666"',
			n: '7602997517160123666',
		});
	});

	test('rejects invalid JSON like JSON.parse does', () => {
		expect(() => parseJsonLossless('{"a":')).toThrow(SyntaxError);
	});
});
