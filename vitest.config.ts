// Test projects: `unit` = pure modules (*.spec.ts next to the code), `server` = real processes and clients (tests/).
import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		projects: [
			{ test: { name: 'unit', include: ['src/**/*.spec.ts', 'sync-server/**/*.spec.ts'], environment: 'node' } },
			{
				test: {
					name: 'server',
					include: ['tests/**/*.test.ts'],
					globalSetup: ['tests/e2e/global-setup.ts'],
					environment: 'node',
					testTimeout: 60_000,
					hookTimeout: 120_000,
					fileParallelism: false
				}
			}
		]
	}
});
