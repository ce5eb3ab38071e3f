// `npm run tandem -- <command>`: administration of a data directory, also while a server runs on it (it notices
// changes to auth.db at once). Commands:
//   user add NAME [--admin] | user list | user remove NAME
//   token create --user NAME --scope read|write|admin [--name LABEL] [--expires 30d] | token list | token revoke LABEL
// Every command takes `--data DIR` (env TANDEM_DATA, default ./tandem-data), or `--store postgres://…` (env
// TANDEM_STORE) for the users and tokens every instance shares. `token create` prints the token once, alone on the
// last line; only its hash is stored.
import path from 'node:path';
import { isScope, parseTtl } from '../src/lib/core/access';
import { AuthError, openAuthStore, type AuthStore } from './auth/auth-store';
import { tokenJson } from './auth/auth-api';
import { parsePostgresUrl } from '../src/lib/core/backend-urls';

const USAGE = `usage: npm run tandem -- <command> [--data DIR | --store postgres://…]
  user add NAME [--admin]       add a user (the first one should be an admin)
  user list                     list users
  user remove NAME              remove a user, their tokens and grants
  token create --user NAME --scope read|write|admin [--name LABEL] [--expires 30d]
                                create a token; it is printed once, on the last line
  token list                    list tokens (never the tokens themselves)
  token revoke LABEL            revoke a token (open sockets using it are closed at once)
  migrate --from DIR --to-store postgres://… --to-blobs s3://…
                                copy an embedded data directory to PostgreSQL and S3, verified (migrate --help)`;

class UsageError extends Error {}

function parse(argv: string[]): { words: string[]; flags: Map<string, string | true> } {
	const words: string[] = [];
	const flags = new Map<string, string | true>();
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--')) {
			words.push(a);
			continue;
		}
		const next = argv[i + 1];
		if (a === '--admin' || a === '--help') flags.set(a, true);
		else if (next === undefined || next.startsWith('--')) throw new UsageError(`${a} needs a value`);
		else {
			flags.set(a, next);
			i++;
		}
	}
	return { words, flags };
}

const pad = (cells: string[][]) => {
	const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
	return cells.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
};
const date = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'));

export async function runCommand(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<void> {
	const { words, flags } = parse(argv);
	if (flags.has('--help') || words.length === 0) {
		out(USAGE);
		return;
	}
	const flag = (name: string): string | undefined => {
		const v = flags.get(name);
		return typeof v === 'string' ? v : undefined;
	};
	const dataDir = path.resolve(flag('--data') ?? env.TANDEM_DATA ?? 'tandem-data');
	const pgUrl = flag('--store') ?? env.TANDEM_STORE;
	let store: AuthStore;
	if (pgUrl) {
		// The server's own parser: the same precise errors, and a password is never echoed.
		let url: string;
		try {
			url = parsePostgresUrl(pgUrl, flag('--store') !== undefined ? '--store' : 'TANDEM_STORE').url;
		} catch (e) {
			throw new UsageError((e as Error).message);
		}
		store = await (await import('./auth/pg-auth-store')).openPgAuthStore(url);
	} else store = openAuthStore(path.join(dataDir, 'auth.db'));
	try {
		const [noun, verb, arg] = words;
		const need = (v: string | undefined, what: string) => {
			if (!v) throw new UsageError(`${noun} ${verb} needs ${what}`);
			return v;
		};
		if (noun === 'user' && verb === 'add') {
			const u = await store.addUser(need(arg, 'a NAME'), flags.get('--admin') === true);
			out(`added user ${u.name}${u.admin ? ' (admin)' : ''}`);
		} else if (noun === 'user' && verb === 'list') {
			const users = store.users();
			out(users.length === 0 ? 'no users (the server is open to loopback only)' : pad([['NAME', 'ADMIN', 'CREATED'], ...users.map((u) => [u.name, u.admin ? 'yes' : 'no', date(u.createdAt)])]));
		} else if (noun === 'user' && verb === 'remove') {
			await store.removeUser(need(arg, 'a NAME'));
			out(`removed user ${arg}`);
		} else if (noun === 'token' && verb === 'create') {
			const scope = need(flag('--scope'), '--scope read|write|admin');
			if (!isScope(scope)) throw new UsageError(`--scope must be read, write or admin, not '${scope}'`);
			const expires = flag('--expires');
			const ttlMs = expires === undefined ? null : parseTtl(expires);
			if (expires !== undefined && ttlMs === null) throw new UsageError(`--expires must be a duration like 30d, 12h or 90m, not '${expires}'`);
			const { token, record } = await store.createToken({ user: need(flag('--user'), '--user NAME'), scope, label: flag('--name'), ttlMs });
			out(`created token '${record.label}' for ${record.user} (scope ${record.scope}, expires ${date(record.expiresAt)}); it is shown only now:`);
			out(token);
		} else if (noun === 'token' && verb === 'list') {
			const tokens = store.tokens().map(tokenJson);
			out(tokens.length === 0 ? 'no tokens' : pad([['LABEL', 'USER', 'SCOPE', 'STATE', 'CREATED', 'EXPIRES'], ...tokens.map((t) => [t.label, t.user, t.scope, t.state, date(t.created_at), date(t.expires_at)])]));
		} else if (noun === 'token' && verb === 'revoke') {
			const t = await store.revokeToken(need(arg, 'a LABEL'));
			out(`revoked token '${t.label}' of ${t.user}`);
		} else throw new UsageError(`unknown command '${words.join(' ')}'`);
	} finally {
		await store.close();
	}
}

const isMain = Boolean(process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('sync-server', 'tandem.ts')));
// `migrate` has flags of its own (migrate.ts), and is the only command that needs the S3 and PostgreSQL drivers.
if (isMain && process.argv[2] === 'migrate') {
	void import('./migrate')
		.then((m) => m.runMigrateCommand(process.argv.slice(3), (line) => console.log(line), (line) => console.error(line)))
		.then((code) => process.exit(code));
} else if (isMain) {
	runCommand(process.argv.slice(2), process.env, (line) => console.log(line)).catch((e: unknown) => {
		if (e instanceof UsageError || e instanceof AuthError) {
			console.error(`tandem: ${e.message}`);
			if (e instanceof UsageError) console.error(USAGE);
			process.exit(2);
		}
		console.error(e);
		process.exit(1);
	});
}
