// Administrative routes: POST /api/admin/gc runs a blob garbage-collection pass now (after any pass in progress).
import { invalid } from '../../src/lib/core/errors';
import type { BlobCollector } from '../blobs/gc';
import type { Router } from './router';

export function addAdminApi(router: Router, deps: { gc: BlobCollector }): void {
	router.add('POST', /^\/api\/admin\/gc$/, async (ctx) => {
		const body = await ctx.json();
		if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length > 0) {
			throw invalid('POST /api/admin/gc takes no parameters: send an empty body or {}');
		}
		const { deleted, tooYoung, referenced } = await deps.gc.run();
		return { deleted, tooYoung, referenced };
	});
}
