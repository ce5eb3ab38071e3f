// Identifiers: MLflow-compatible run ids (32 lowercase hex) and experiment ids (decimal strings), random so that
// peers creating things offline never collide, plus friendly default run names like MLflow's "bright-fox-42".

/** The default experiment every workspace has; MLflow clients log to it when no experiment is set. */
export const DEFAULT_EXPERIMENT_ID = '0';
export const DEFAULT_EXPERIMENT_NAME = 'Default';

const RUN_ID = /^[0-9a-f]{32}$/;
const EXPERIMENT_ID = /^(0|[1-9][0-9]{0,18})$/;

export function isRunId(s: unknown): s is string {
	return typeof s === 'string' && RUN_ID.test(s);
}

export function isExperimentId(s: unknown): s is string {
	return typeof s === 'string' && EXPERIMENT_ID.test(s);
}

const MODEL_ID = /^m-[0-9a-f]{32}$/;

/** A logged model id (MLflow 3.x): `m-` and 32 lowercase hex chars. */
export function isModelId(s: unknown): s is string {
	return typeof s === 'string' && MODEL_ID.test(s);
}

/** A random logged model id, `m-<32 hex>`, as MLflow's stores make them. */
export function createModelId(): string {
	return `m-${createRunId()}`;
}

function randomBytes(n: number): Uint8Array {
	return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

/** A random 128-bit run id as 32 lowercase hex chars. */
export function createRunId(): string {
	let s = '';
	for (const b of randomBytes(16)) s += b.toString(16).padStart(2, '0');
	return s;
}

/** A random 18-digit decimal experiment id (never "0", never a leading zero). */
export function createExperimentId(): string {
	const bytes = randomBytes(18);
	let s = String(1 + (bytes[0] % 9));
	for (let i = 1; i < 18; i++) s += String(bytes[i] % 10);
	return s;
}

const ADJECTIVES = [
	'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'crisp', 'dapper', 'eager', 'fancy', 'gentle', 'glad',
	'honest', 'keen', 'lively', 'lucky', 'merry', 'nimble', 'polite', 'quick', 'quiet', 'rare', 'sharp', 'shy',
	'silent', 'smooth', 'sunny', 'swift', 'tidy', 'vivid', 'warm', 'witty'
] as const;
const NOUNS = [
	'ant', 'bass', 'bat', 'bear', 'crab', 'crow', 'deer', 'duck', 'eel', 'finch', 'fox', 'frog', 'goat', 'hare',
	'hawk', 'ibis', 'jay', 'koi', 'lark', 'lynx', 'mole', 'moth', 'newt', 'owl', 'panda', 'seal', 'slug', 'snail',
	'stork', 'swan', 'toad', 'wolf'
] as const;

/** A readable random run name, e.g. "swift-owl-417", used when a run is created without a name. */
export function createRunName(): string {
	const [a, n, x, y] = randomBytes(4);
	return `${ADJECTIVES[a % ADJECTIVES.length]}-${NOUNS[n % NOUNS.length]}-${((x << 8) | y) % 1000}`;
}
