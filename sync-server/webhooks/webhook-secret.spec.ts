// Webhook secrets at rest: sealed as Fernet tokens under MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY, stored as they are
// without one; a sealed secret read without its key, or with another, is an error rather than a wrong signature.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createSecretCipher } from './webhook-secret';

const key = () => randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

describe('webhook secret cipher', () => {
	it('seals and opens with the key; the stored value never holds the secret', () => {
		const cipher = createSecretCipher(key());
		const sealed = cipher.seal('s3cret-ü')!;
		expect(sealed).toMatch(/^fernet:[A-Za-z0-9_-]+=*$/);
		expect(sealed).not.toContain('s3cret');
		expect(cipher.open(sealed)).toBe('s3cret-ü');
		expect(cipher.seal(null)).toBeNull();
	});

	it('keeps secrets as they are without a key, and refuses a sealed one without or with another key', () => {
		const plain = createSecretCipher(undefined);
		expect(plain.seal('x')).toBe('x');
		expect(plain.open('x')).toBe('x');
		const sealed = createSecretCipher(key()).seal('x');
		expect(() => plain.open(sealed)).toThrow(/set MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY/);
		expect(() => createSecretCipher(key()).open(sealed)).toThrow(/another MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY/);
		expect(() => createSecretCipher('short')).toThrow(/Fernet key/);
	});
});
