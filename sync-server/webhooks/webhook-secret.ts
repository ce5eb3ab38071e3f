// Webhook secrets at rest, as MLflow keeps them: with MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY (a Fernet key: 32 bytes,
// URL-safe base64) each secret is stored as a Fernet token (AES-128-CBC + HMAC-SHA256, the `cryptography` spec);
// without it, as it is (MLflow would make a key per process, which would lose every secret on restart while the
// outbox still has deliveries to sign).
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'fernet:';

export interface SecretCipher {
	seal(secret: string | null): string | null;
	/** The stored value's secret; throws when it is sealed and no (or another) key is set. */
	open(stored: string | null): string | null;
}

function readKey(key: string): { signing: Buffer; encryption: Buffer } {
	const raw = Buffer.from(key.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
	if (raw.length !== 32) throw new Error('MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY must be a Fernet key: 32 bytes in URL-safe base64 (44 characters)');
	return { signing: raw.subarray(0, 16), encryption: raw.subarray(16) };
}

const toB64Url = (b: Buffer) => b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
const fromB64Url = (s: string) => Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');

/** A cipher for `key` (undefined or empty: secrets are stored as they are). Throws for a malformed key. */
export function createSecretCipher(key: string | undefined): SecretCipher {
	const k = key ? readKey(key) : null;
	return {
		seal(secret) {
			if (secret === null || !k) return secret;
			const iv = randomBytes(16);
			const time = Buffer.alloc(8);
			time.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000)));
			const cipher = createCipheriv('aes-128-cbc', k.encryption, iv);
			const body = Buffer.concat([Buffer.from([0x80]), time, iv, cipher.update(secret, 'utf8'), cipher.final()]);
			return PREFIX + toB64Url(Buffer.concat([body, createHmac('sha256', k.signing).update(body).digest()]));
		},
		open(stored) {
			if (stored === null || !stored.startsWith(PREFIX)) return stored;
			if (!k) throw new Error('this webhook secret is encrypted: set MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY to the key it was sealed with');
			const token = fromB64Url(stored.slice(PREFIX.length));
			const body = token.subarray(0, token.length - 32);
			const mac = createHmac('sha256', k.signing).update(body).digest();
			if (token.length < 57 || body[0] !== 0x80 || !timingSafeEqual(mac, token.subarray(token.length - 32))) {
				throw new Error('this webhook secret was sealed with another MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY');
			}
			const decipher = createDecipheriv('aes-128-cbc', k.encryption, body.subarray(9, 25));
			return Buffer.concat([decipher.update(body.subarray(25)), decipher.final()]).toString('utf8');
		}
	};
}
