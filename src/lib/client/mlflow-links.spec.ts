import { describe, expect, it } from 'vitest';
import { readMlflowHashRoute } from './mlflow-links';

const RUN = '229f357ba0c69e4a5e03f8cad96e36bb';

describe('readMlflowHashRoute', () => {
	it('maps the links the MLflow client prints to Tandem pages', () => {
		expect(readMlflowHashRoute(`#/experiments/326671533727996548/runs/${RUN}`)).toBe(`/runs/${RUN}`);
		expect(readMlflowHashRoute('#/experiments/326671533727996548')).toBe('/experiments/326671533727996548');
		expect(readMlflowHashRoute('#/experiments')).toBe('/');
		expect(readMlflowHashRoute('#/models/fraud%20scorer/versions/3')).toBe('/models/fraud%20scorer/3');
		expect(readMlflowHashRoute('#/models/fraud/versions/latest')).toBeNull();
		expect(readMlflowHashRoute('#/models')).toBe('/models');
		expect(readMlflowHashRoute('#/experiments/1/?searchFilter=x')).toBe('/experiments/1');
	});

	it('ignores anything else', () => {
		for (const h of ['', '#', '#notes', '#/metric?x=1', `#/experiments/1/runs/not-a-run`, '#/experiments/1/models/x', '#/models/%E0%A4%A', '#/experiments/1/runs']) {
			expect(readMlflowHashRoute(h), h).toBeNull();
		}
	});
});
