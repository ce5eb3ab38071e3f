// The update guard on run, experiment, workspace and logged-model documents: every write the app makes through
// docs/*.ts passes (live, update by update, and as one reconnect step 2); hostile writes made with raw Yjs calls on
// a copy are refused whole, with a reason naming the path, and leave the server's document as it was.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRun, readRun, setRunColor, updateRun } from './experiment';
import { createExperiment, readExperiment, updateExperiment } from './workspace';
import { readNotes, setArtifact, setRunExperiment, setSeriesParts } from './run';
import { applyNotesEdit, createNotesUndo, NOTE_TAG, setNotes } from './notes';
import { createLoggedModel, readLoggedModel, updateLoggedModel } from './logged-models';
import { copyDoc, expectAccepted, expectRejected, recordEdit } from './update-guard-harness';
import { checkClientUpdate, readDocSchema } from './update-guard';

const RUN = '0123456789abcdef0123456789abcdef';
const OTHER_RUN = 'fedcba9876543210fedcba9876543210';
const EXP = '7';
const MODEL = `m-${'a'.repeat(32)}`;

function createExperimentDoc(): Y.Doc {
	const exp = new Y.Doc();
	createRun(exp, { runId: RUN, experimentId: EXP, name: 'first', user: 'ann', startTime: 1, status: 'RUNNING', artifactUri: 'mlflow-artifacts:/7/x', params: { lr: '0.1' }, tags: { team: 'a', 'mlflow.runName': 'first' } });
	return exp;
}

const runHeader = (d: Y.Doc) => d.getMap<Y.Map<unknown>>('runs').get(RUN)!;

describe('update guard: exp/<id> run headers', () => {
	const name = `exp/${EXP}`;
	it('accepts renames, tag edits, delete and restore, several runs in one transaction', () => {
		const server = createExperimentDoc();
		createRun(server, { runId: OTHER_RUN, experimentId: EXP, name: 'second', user: 'bob', startTime: 2, status: 'FINISHED', artifactUri: 'a' });
		expectAccepted(name, server, (c) => updateRun(c, RUN, { name: 'renamed', tags: { 'mlflow.runName': 'renamed' } }));
		expectAccepted(name, server, (c) => updateRun(c, RUN, { tags: { fresh: 'v', team: 'b' }, deleteTags: ['mlflow.runName'] }));
		expectAccepted(name, server, (c) => c.transact(() => [RUN, OTHER_RUN].forEach((id) => updateRun(c, id, { lifecycle: 'deleted' }))));
		expectAccepted(name, server, (c) => updateRun(c, RUN, { lifecycle: 'active' }));
		// Two renames offline: the first value is overwritten (and garbage-collected) inside the step 2.
		expectAccepted(name, server, (c) => ['a', 'b', 'c'].forEach((n) => updateRun(c, RUN, { name: n })));
		expect(readRun(server, EXP, RUN)).toMatchObject({ name: 'c', lifecycle: 'active', tags: { fresh: 'v', team: 'b' }, params: { lr: '0.1' } });
	});

	it('accepts a run colour picked and cleared in the app, and refuses one that is not #rrggbb', () => {
		const server = createExperimentDoc();
		expectAccepted(name, server, (c) => setRunColor(c, RUN, '#12ab34'));
		expect(readRun(server, EXP, RUN)!.color).toBe('#12ab34');
		expectAccepted(name, server, (c) => setRunColor(c, RUN, null));
		expectRejected(name, server, (c) => runHeader(c).set('color', 'url(javascript:x)'), /color: must be a #rrggbb colour/);
		expectRejected(name, server, (c) => runHeader(c).set('color', 7), /color: must be a #rrggbb colour/);
	});

	it('refuses the note tag, set or deleted: the server keeps it from the run notes, which clients edit', () => {
		const server = createExperimentDoc();
		expectRejected(name, server, (c) => updateRun(c, RUN, { tags: { [NOTE_TAG]: 'a description' } }), /tags\."mlflow\.note\.content": kept by the server from the run notes/);
		updateRun(server, RUN, { tags: { [NOTE_TAG]: 'from MLflow' } });
		expectRejected(name, server, (c) => updateRun(c, RUN, { deleteTags: [NOTE_TAG] }), /kept by the server/);
		expect(readRun(server, EXP, RUN)!.tags[NOTE_TAG]).toBe('from MLflow');
	});

	it('accepts a tags map made where an old header has none, and edits of a tag whose key the server accepted', () => {
		const server = new Y.Doc();
		server.getMap('runs').set(RUN, new Y.Map([['name', 'old']]));
		expectAccepted(name, server, (c) => updateRun(c, RUN, { tags: { t: '1' } }));
		runHeader(server).get('tags') instanceof Y.Map && (runHeader(server).get('tags') as Y.Map<string>).set('mlflow:odd key', 'x');
		expectAccepted(name, server, (c) => updateRun(c, RUN, { tags: { 'mlflow:odd key': 'y' } }));
	});

	it('refuses params changes, server fields, bad values and structural changes', () => {
		const server = createExperimentDoc();
		expectRejected(name, server, (c) => runHeader(c).set('params', { lr: '0.2' }), /runs\.[0-9a-f]{32}\.params: written by the server only/);
		expectRejected(name, server, (c) => runHeader(c).set('params', { lr: '0.1', extra: '1' }), /params: written by the server only/);
		expectRejected(name, server, (c) => runHeader(c).delete('params'), /params: written by the server only/);
		expectRejected(name, server, (c) => runHeader(c).set('status', 'FINISHED'), /status: written by the server only/);
		expectRejected(name, server, (c) => runHeader(c).set('endTime', 5), /endTime: written by the server only/);
		expectRejected(name, server, (c) => runHeader(c).set('artifactUri', 'file:///etc'), /artifactUri: written by the server only/);
		expectRejected(name, server, (c) => runHeader(c).set('name', 'n'.repeat(501)), /name: must be a string of at most 500 characters/);
		expectRejected(name, server, (c) => runHeader(c).set('name', 42), /name: must be a string/);
		expectRejected(name, server, (c) => runHeader(c).delete('name'), /name: clients may not delete it/);
		expectRejected(name, server, (c) => runHeader(c).set('lifecycle', 'gone'), /lifecycle: must be one of active, deleted/);
		expectRejected(name, server, (c) => runHeader(c).set('shade', 'red'), /shade: not a field clients know/);
		expectRejected(name, server, (c) => runHeader(c).set('tags', 'none'), /tags: must be a Y.Map/);
		expectRejected(name, server, (c) => (runHeader(c).get('tags') as Y.Map<unknown>).set('n', 1), /tags\.n: must be a string/);
		expectRejected(name, server, (c) => (runHeader(c).get('tags') as Y.Map<unknown>).set('big', 'x'.repeat(8001)), /at most 8000/);
		expectRejected(name, server, (c) => (runHeader(c).get('tags') as Y.Map<unknown>).set('../up', 'x'), /not a valid tag key/);
		expectRejected(name, server, (c) => (runHeader(c).get('tags') as Y.Map<unknown>).set('nested', new Y.Map()), /must be one plain value/);
		expectRejected(name, server, (c) => c.getMap('runs').delete(RUN), /runs\.[0-9a-f]{32}: written by the server only/);
		expectRejected(name, server, (c) => c.getMap('runs').set(OTHER_RUN, new Y.Map()), /written by the server only/);
		expectRejected(name, server, (c) => c.getMap('runs').set('not-a-run', 'x'), /not a run id/);
		expectRejected(name, server, (c) => c.getMap('views').set('v', 1), /views: not part of a experiment document/);
		expectRejected(name, server, (c) => c.getArray('runs2').push([1]), /runs2: not part of/);
	});

	it('refuses a write to an old header’s nested params map', () => {
		const server = new Y.Doc();
		const header = new Y.Map<unknown>();
		server.getMap('runs').set(RUN, header);
		header.set('params', new Y.Map([['lr', '0.1']]));
		expectRejected(name, server, (c) => (runHeader(c).get('params') as Y.Map<string>).set('lr', '9'), /params: written by the server only/);
		expectRejected(name, server, (c) => (runHeader(c).get('params') as Y.Map<string>).delete('lr'), /params: written by the server only/);
	});
});

describe('update guard: run/<id>', () => {
	const name = `run/${RUN}`;
	const createRunDoc = () => {
		const run = new Y.Doc();
		setRunExperiment(run, EXP);
		setArtifact(run, 'model.pkl', { sha256: 'f'.repeat(64), size: 3, type: 'application/octet-stream', mtime: 1 });
		setSeriesParts(run, 'loss', 1);
		setNotes(run, 'hello world', 'server');
		return run;
	};

	it('accepts notes typing, splices, concurrent-edit rebases and undo/redo', () => {
		const server = createRunDoc();
		expectAccepted(name, server, (c) => setNotes(c, 'hello brave new world', 'me'));
		expectAccepted(name, server, (c) => applyNotesEdit(c, 'hello', 'hello!', [], 'me'));
		expectAccepted(name, server, (c) => {
			const undo = createNotesUndo(c, 'me');
			setNotes(c, `${readNotes(c)} more`, 'me');
			undo.undo();
			undo.redo();
			undo.destroy();
		});
		expectAccepted(name, server, (c) => setNotes(c, '', 'me'));
		expect(readNotes(server)).toBe('');
	});

	it('refuses writes to meta, the series directory, the artifact manifest and non-text notes', () => {
		const server = createRunDoc();
		expectRejected(name, server, (c) => c.getMap('meta').set('experimentId', 'nope'), /meta: written by the server only/);
		expectRejected(name, server, (c) => c.getMap('meta').delete('experimentId'), /meta: written by the server only/);
		expectRejected(name, server, (c) => c.getMap('series').set('loss', 1e6), /series: written by the server only/);
		expectRejected(name, server, (c) => c.getMap('series').set('acc', 2.5), /series: written by the server only/);
		expectRejected(name, server, (c) => c.getMap('artifacts').set('x', { sha256: 'a'.repeat(64), size: 1 }), /artifacts: written by the server only/);
		expectRejected(name, server, (c) => c.getMap('artifacts').delete('model.pkl'), /artifacts: written by the server only/);
		expectRejected(name, server, (c) => c.getText('notes').insertEmbed(0, { image: 'x' }), /notes: text takes strings only/);
		expectRejected(name, server, (c) => c.getText('notes').format(0, 3, { bold: true }), /notes: text takes strings only/);
		expectRejected(name, server, (c) => c.getMap('comments').set('c', 'hi'), /comments: not part of a run document/);
	});
});

describe('update guard: workspace', () => {
	const name = 'workspace';
	const createWorkspace = () => {
		const ws = new Y.Doc();
		createExperiment(ws, { experimentId: '0', name: 'Default', artifactLocation: 'mlflow-artifacts:/0', now: 1 });
		return ws;
	};
	const entry = (d: Y.Doc, id = '0') => d.getMap<Y.Map<unknown>>('experiments').get(id)!;

	it('accepts creating, renaming, deleting and restoring an experiment as the app does', () => {
		const server = createWorkspace();
		const id = '123456789012345678';
		expectAccepted(name, server, (c) => createExperiment(c, { experimentId: id, name: 'mine', artifactLocation: `mlflow-artifacts:/${id}`, now: 5 }));
		expectAccepted(name, server, (c) => updateExperiment(c, id, { name: 'renamed', now: 6 }));
		expectAccepted(name, server, (c) => updateExperiment(c, '0', { lifecycle: 'deleted', now: 7 }));
		expectAccepted(name, server, (c) => updateExperiment(c, '0', { lifecycle: 'active', tags: { k: 'v' }, now: 8 }));
		expect(readExperiment(server, id)).toMatchObject({ name: 'renamed', artifact_location: `mlflow-artifacts:/${id}`, creation_time: 5 });
	});

	it('refuses a foreign artifact location, overwriting or deleting an entry, and changing what is set at creation', () => {
		const server = createWorkspace();
		const id = '42';
		expectRejected(name, server, (c) => createExperiment(c, { experimentId: id, name: 'x', artifactLocation: 'file:///etc', now: 1 }), /artifactLocation: must be 'mlflow-artifacts:\/42'/);
		expectRejected(name, server, (c) => createExperiment(c, { experimentId: '0', name: 'again', artifactLocation: 'mlflow-artifacts:/0', now: 1 }), /experiments\.0: set once, when created/);
		expectRejected(name, server, (c) => c.getMap('experiments').delete('0'), /experiments\.0: clients may not delete it/);
		expectRejected(name, server, (c) => entry(c).set('creationTime', 9), /creationTime: set once, when created/);
		expectRejected(name, server, (c) => entry(c).set('artifactLocation', 'mlflow-artifacts:/0'), /set once/);
		expectRejected(name, server, (c) => entry(c).set('name', '  '), /name: must be a non-empty string/);
		expectRejected(name, server, (c) => entry(c).set('lastUpdateTime', Infinity), /lastUpdateTime: must be a finite number/);
		expectRejected(name, server, (c) => entry(c).set('lastUpdateTime', NaN), /must be a finite number/);
		expectRejected(name, server, (c) => c.getMap('experiments').set('abc', new Y.Map()), /experiments\.abc: not an experiment id/);
	});
});

describe('update guard: exp/<id>/models', () => {
	const name = `exp/${EXP}/models`;
	const createModels = () => {
		const models = new Y.Doc();
		createLoggedModel(models, new Y.Doc(), EXP, { modelId: MODEL, name: 'clf', modelType: 'sklearn', sourceRunId: RUN, creationTime: 1, artifactLocation: 'a', tags: { t: '1' } });
		return models;
	};

	it('accepts tag edits (tags and touched only), also where a model has no tag map yet', () => {
		const server = createModels();
		expectAccepted(name, server, (c) => updateLoggedModel(c, MODEL, { setTags: { u: '2' }, deleteTags: ['t'] }, 5));
		server.getMap('tags').delete(MODEL);
		expectAccepted(name, server, (c) => updateLoggedModel(c, MODEL, { setTags: { v: '3' } }, 6));
		expect(readLoggedModel(server, EXP, MODEL)).toMatchObject({ tags: { v: '3' }, lastUpdateTime: 6, status: 'LOGGED_MODEL_PENDING' });
	});

	it('refuses header writes and malformed tags or times', () => {
		const server = createModels();
		updateLoggedModel(server, MODEL, { setTags: { by: 'server' } }, 2);
		expectRejected(name, server, (c) => updateLoggedModel(c, MODEL, { status: 'LOGGED_MODEL_READY' }, 5), /models: written by the server only/);
		expectRejected(name, server, (c) => c.getMap('models').delete(MODEL), /models: written by the server only/);
		expectRejected(name, server, (c) => c.getMap('touched').set(MODEL, 'soon'), /touched\.m-a+: must be a finite number/);
		expectRejected(name, server, (c) => c.getMap('touched').delete(MODEL), /clients may not delete it/);
		expectRejected(name, server, (c) => c.getMap('tags').set('m-bad', new Y.Map()), /not a logged model id/);
		expectRejected(name, server, (c) => (c.getMap('tags').get(MODEL) as Y.Map<unknown>).set('t', false), /must be a string/);
	});
});

describe('update guard: cost and fast path', () => {
	it('checks a one-character edit of a large document without walking it', () => {
		const server = new Y.Doc();
		for (let i = 0; i < 1000; i++) createRun(server, { runId: i.toString(16).padStart(32, '0'), experimentId: EXP, name: `r${i}`, user: 'u', startTime: i, status: 'FINISHED', artifactUri: 'a', tags: { i: String(i) } });
		const { updates } = recordEdit(server, copyDoc(server), (c) => updateRun(c, (7).toString(16).padStart(32, '0'), { tags: { x: 'y' } }));
		const schema = readDocSchema(`exp/${EXP}`)!;
		expect(checkClientUpdate(server, updates[0], schema)).toEqual({ ok: true });
		const started = performance.now();
		let passed = 0;
		for (let i = 0; i < 1000; i++) if (checkClientUpdate(server, updates[0], schema).ok) passed++;
		expect(passed).toBe(1000);
		// ~70 µs each (as much as Y.decodeUpdate); the bound catches a walk over the document’s 4,000 items per check.
		expect(performance.now() - started).toBeLessThan(1000);
	});

	it('answers garbage and unknown documents precisely', () => {
		const schema = readDocSchema('workspace')!;
		expect(checkClientUpdate(new Y.Doc(), new Uint8Array([200, 1, 2]), schema)).toMatchObject({ ok: false, kind: 'malformed', error: expect.stringMatching(/^malformed Yjs update/) });
		expect(readDocSchema(`series/${RUN}/loss`)).toBeNull();
		expect(readDocSchema(`exp/${EXP}/live`)).toBeNull();
		expect(readDocSchema(`model/${MODEL}`)).toBeNull();
	});
});

describe('update guard: size of one client update', () => {
	const name = `run/${'c'.repeat(32)}`;
	const schema = readDocSchema(name)!;
	it('refuses more bytes or more items than a client may send at once, before reading them whole', () => {
		const server = new Y.Doc();
		const big = recordEdit(server, copyDoc(server), (d) => void setNotes(d, 'n'.repeat(300 * 1024), null));
		expect(checkClientUpdate(server, big.step2, schema)).toMatchObject({ ok: false, kind: 'rejected', tooLarge: true, error: expect.stringContaining('bytes') });
		const many = recordEdit(server, copyDoc(server), (d) => {
			for (let i = 0; i < 2500; i++) d.getText('notes').insert(0, 'ab');
		});
		expect(checkClientUpdate(server, many.step2, schema)).toMatchObject({ ok: false, tooLarge: true, error: expect.stringContaining('items') });
		const fine = recordEdit(server, copyDoc(server), (d) => void setNotes(d, 'a note', null));
		expect(checkClientUpdate(server, fine.step2, schema)).toEqual({ ok: true });
	});
});
