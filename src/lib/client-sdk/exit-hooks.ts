// Last-chance delivery when the program ends: Node/Bun `beforeExit` and SIGINT/SIGTERM, browser `pagehide`.
// Process signals are process-wide, so this keeps one registry of open runs and one set of listeners for all.

export type ExitSignal = 'SIGINT' | 'SIGTERM';

export interface ExitParticipant {
	/** The event loop has emptied without finish(): deliver and end the run. */
	onBeforeExit(): Promise<void>;
	/** A signal arrived: deliver what can be delivered quickly, then let the signal take its course. */
	onSignal(signal: ExitSignal): Promise<void>;
	/** The page is going away (maybe into the back/forward cache): fire what is queued, without waiting. */
	onPageHide(): void;
}

interface ProcessLike {
	on(event: string, fn: (...args: never[]) => void): unknown;
	off(event: string, fn: (...args: never[]) => void): unknown;
	listenerCount(event: string): number;
	kill(pid: number, signal: string): unknown;
	pid: number;
}

const participants = new Set<ExitParticipant>();
let uninstall: (() => void) | null = null;

/** Registers `p` for exit handling; returns the function that unregisters it (call it once the run is finished). */
export function addExitParticipant(p: ExitParticipant): () => void {
	participants.add(p);
	uninstall ??= install();
	return () => {
		participants.delete(p);
		if (participants.size === 0 && uninstall) {
			uninstall();
			uninstall = null;
		}
	};
}

function install(): () => void {
	const removers: (() => void)[] = [];
	const proc = (globalThis as unknown as { process?: Partial<ProcessLike> }).process;
	if (proc && typeof proc.on === 'function' && typeof proc.off === 'function' && typeof proc.kill === 'function') {
		const p = proc as ProcessLike;
		const onBeforeExit = () => {
			for (const part of [...participants]) void part.onBeforeExit().catch(() => {});
		};
		p.on('beforeExit', onBeforeExit);
		removers.push(() => p.off('beforeExit', onBeforeExit));
		for (const signal of ['SIGINT', 'SIGTERM'] as const) {
			let handling = false;
			const onSignal = () => {
				// Only when no one else listens does the signal's default action (exit) depend on us re-raising it.
				const alone = p.listenerCount(signal) === 1;
				const reraise = () => {
					p.off(signal, onSignal);
					if (alone) p.kill(p.pid, signal);
				};
				if (handling) return reraise(); // a second Ctrl-C: stop waiting
				handling = true;
				void Promise.allSettled([...participants].map((part) => part.onSignal(signal))).then(reraise);
			};
			p.on(signal, onSignal);
			removers.push(() => p.off(signal, onSignal));
		}
	}
	const g = globalThis as unknown as { addEventListener?: (t: string, fn: () => void) => void; removeEventListener?: (t: string, fn: () => void) => void; document?: unknown };
	if (typeof g.addEventListener === 'function' && typeof g.removeEventListener === 'function' && g.document !== undefined) {
		const onPageHide = () => {
			for (const part of participants) part.onPageHide();
		};
		g.addEventListener('pagehide', onPageHide);
		removers.push(() => g.removeEventListener!('pagehide', onPageHide));
	}
	return () => {
		for (const remove of removers) remove();
	};
}
