// `npm run bench [-- --quick] [-- --only core|ui|table|charts|mlflow|models|load|auth|presence|cluster]`: measures the figures the issues name and prints tables.
import { printTable } from './table';
import { runCoreBench } from './core';
import { runMlflowCompareBench } from './mlflow';
import { runModelsBench } from './models';
import { runTableBench } from './ui-table';
import { runChartBench } from './ui-charts';
import { runWorkspaceBench } from './ui-workspace';
import { runLoadBench } from './load';
import { runAuthOverheadBench } from './auth-overhead';
import { runPresenceBench } from './presence';
import { runClusterBench } from './cluster';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;

if (!only || only === 'core') printTable('Core: ingest, storage, live sync (issue: Tandem core)', await runCoreBench({ quick }));
if (!only || only === 'ui' || only === 'table') printTable('Web app in headless Chromium: runs table', await runTableBench({ quick }));
if (!only || only === 'ui' || only === 'charts') printTable('Web app in headless Chromium: metric charts', await runChartBench({ quick }));
if (!only || only === 'ui' || only === 'workspace') printTable('Web app in headless Chromium: experiment chart workspace (issue 12)', await runWorkspaceBench({ quick }));
if (!only || only === 'mlflow') printTable('MLflow drop-in: Tandem vs mlflow server (SQLite), same Python client workload', await runMlflowCompareBench({ quick }));
if (!only || only === 'models') printTable('MLflow Models: Tandem vs mlflow server (SQLite), and the registry live in two browsers', await runModelsBench({ quick }));
if (!only || only === 'load') printTable('Load: live clients during heavy ingest (issue 11)', await runLoadBench({ quick, args }));
if (!only || only === 'auth') printTable('Access control: overhead of a user and a Bearer token (issue 11)', await runAuthOverheadBench({ quick }));
if (!only || only === 'presence') printTable('Presence and review sessions (issue 13)', await runPresenceBench({ quick }));
if (!only || only === 'cluster') printTable('Beyond one machine: two instances on PostgreSQL + Redis + S3 vs the embedded store (issue 14)', await runClusterBench({ quick }));

// Child processes' pipes may keep the event loop alive after their servers were stopped: the tables are printed.
process.exit(0);
