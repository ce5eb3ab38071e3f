// A uPlot plugin for presence on one chart: sends where this person's pointer is (and a zoom they select, at once,
// ahead of the URL), and draws everyone else's pointer on the same chart of the same page as a faint vertical line
// in their colour (a review session's presenter's a stronger one). Lines are DOM elements over the plot, so other
// people moving never redraws the series.
import type uPlot from 'uplot';
import type { Person } from '$lib/core/presence/session';
import { readPresence } from './presence.svelte';
import { readReviewSession } from './presence-session.svelte';

/** Which chart this is: its metric and x-axis kind (hover positions are in x-axis units). */
export interface CrosshairChart {
	chart: string;
	axis: string;
}

const pathOf = (page: string) => new URL(page, 'http://x').pathname;

export function createPresenceCrosshairs(which: () => CrosshairChart): uPlot.Plugin {
	const presence = readPresence();
	const session = readReviewSession(presence);
	let layer: HTMLDivElement | null = null;
	let unsubscribe: (() => void) | null = null;
	const lines = new Map<number, HTMLDivElement>();

	const place = (u: uPlot) => {
		if (!layer) return;
		const { chart, axis } = which();
		const here = location.pathname;
		const presenterId = session.following ? session.presenter?.clientId : undefined;
		const shown = new Set<number>();
		for (const p of presence.people as Person[]) {
			const h = p.state.hover;
			if (!h || h.chart !== chart || h.axis !== axis || pathOf(p.state.page) !== here) continue;
			const left = u.valToPos(h.x, 'x');
			if (!Number.isFinite(left) || left < 0 || left > u.over.clientWidth) continue;
			let line = lines.get(p.clientId);
			if (!line) {
				line = document.createElement('div');
				line.className = 'presence-crosshair';
				line.dataset.presenceClient = String(p.clientId);
				line.style.cssText = 'position:absolute;top:0;bottom:0;width:1px;pointer-events:none;';
				layer.append(line);
				lines.set(p.clientId, line);
			}
			line.title = p.state.user.name;
			line.style.background = p.state.user.color;
			line.style.opacity = p.clientId === presenterId ? '0.9' : '0.45';
			line.style.width = p.clientId === presenterId ? '2px' : '1px';
			line.style.transform = `translateX(${Math.round(left)}px)`;
			shown.add(p.clientId);
		}
		for (const [id, line] of lines) {
			if (shown.has(id)) continue;
			line.remove();
			lines.delete(id);
		}
	};

	return {
		// Prepended: the chart's own setSelect hook clears the selection as it zooms.
		opts: (_u, opts) => ({
			...opts,
			hooks: {
				...opts.hooks,
				setSelect: [
					(u: uPlot) => {
						const { left, width } = u.select;
						if (width < 2) return;
						const zoom: [number, number] = [u.posToVal(left, 'x'), u.posToVal(left + width, 'x')];
						if (session.following) session.leaveOnOwn('You zoomed on your own');
						else if (zoom[0] < zoom[1]) presence.update({ zoom });
					},
					...(opts.hooks?.setSelect ?? [])
				]
			}
		}),
		hooks: {
			init: [
				(u) => {
					layer = document.createElement('div');
					layer.style.cssText = 'position:absolute;inset:0;pointer-events:none;overflow:hidden;';
					u.over.append(layer);
					unsubscribe = presence.subscribe(() => place(u));
				}
			],
			setCursor: [
				(u) => {
					const left = u.cursor.left ?? -1;
					if (left < 0 || u.data[0].length === 0) presence.setHover(null);
					else presence.setHover({ ...which(), x: u.posToVal(left, 'x') });
				}
			],
			setScale: [(u, key) => key === 'x' && place(u)],
			setSize: [(u) => place(u)],
			destroy: [
				() => {
					unsubscribe?.();
					layer?.remove();
					lines.clear();
				}
			]
		}
	};
}
