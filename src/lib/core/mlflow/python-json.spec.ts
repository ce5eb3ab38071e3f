import { describe, expect, it } from 'vitest';
import { parsePythonJson, PyNumber, readPythonType, writePythonFloat, writePythonJson } from './python-json';

describe('Python JSON', () => {
	it("writes floats as Python's repr does", () => {
		const cases: [number, string][] = [
			[9, '9.0'], [2.5, '2.5'], [-0.5, '-0.5'], [1e16, '1e+16'], [1.5e-5, '1.5e-05'], [0.0001, '0.0001'],
			[123456789012345.6, '123456789012345.6'], [1.7976931348623157e308, '1.7976931348623157e+308'], [-0, '-0.0'], [Infinity, 'Infinity']
		];
		for (const [x, want] of cases) expect({ x, got: writePythonFloat(x) }).toEqual({ x, got: want });
	});

	it('parses like JSON.parse but keeps number literals, and writes them back as json.dumps(sort_keys=True) would', () => {
		const text = ' {"b": [1, 2.0, -3e2, 12345678901234567890], "a": {"x": "é", "y": null, "z": true}} ';
		const v = parsePythonJson(text) as { b: PyNumber[] };
		expect(v.b.map((n) => readPythonType(n))).toEqual(['int', 'float', 'float', 'int']);
		expect(writePythonJson(v)).toBe('{"a":{"x":"\\u00e9","y":null,"z":true},"b":[1,2.0,-300.0,12345678901234567890]}');
		for (const bad of ['{', '[1,]', '{"a" 1}', '01', '1 2']) expect(() => parsePythonJson(bad)).toThrow(SyntaxError);
	});
});
