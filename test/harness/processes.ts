/**
 * Several n8n processes sharing one API key, without a real n8n: each child Node process runs executions
 * of the action node through n8n-core's WorkflowExecute (its own pacer, as each queue-mode worker has),
 * all starting at the same moment. Used by the engine tests and by `npm run bench:processes`.
 */
import { fork, type ChildProcess } from 'node:child_process';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { TestCredentials } from './engine';

export interface ProcessJob {
	credentials: TestCredentials;
	credentialId: string;
	parameters: INodeParameters;
	/** One entry per execution: its input items. */
	executions: IDataObject[][];
}

export interface ExecutionOutcome {
	/** The output items' json, in output order. */
	items: IDataObject[];
	/** Each output item's paired input index. */
	paired: Array<number | undefined>;
	error?: string;
}

/** Runs each job in its own child process, all at once; resolves with each job's executions. */
export async function runInProcesses(jobs: ProcessJob[]): Promise<{ outcomes: ExecutionOutcome[][]; wallMs: number }> {
	const children: ChildProcess[] = jobs.map(() => fork(__filename, ['--pacing-child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
	try {
		// Every child loads n8n-core and the package first, so that they start together.
		await Promise.all(children.map((child) => nextMessage(child)));
		const started = performance.now();
		const outcomes = await Promise.all(
			children.map((child, index) => {
				const answer = nextMessage(child);
				child.send(jobs[index]);
				return answer as Promise<ExecutionOutcome[]>;
			}),
		);
		return { outcomes, wallMs: performance.now() - started };
	} finally {
		for (const child of children) child.kill();
	}
}

function nextMessage(child: ChildProcess): Promise<unknown> {
	return new Promise((resolve, reject) => {
		const onExit = (code: number | null) => reject(new Error(`pacing child exited with ${code}`));
		child.once('exit', onExit);
		child.once('message', (message) => {
			child.off('exit', onExit);
			resolve(message);
		});
	});
}

async function child(): Promise<void> {
	const { loadPackage, runActionNode } = await import('./engine');
	await loadPackage();
	process.send!('ready');
	const job = await new Promise<ProcessJob>((resolve) => process.once('message', (message) => resolve(message as ProcessJob)));
	const runs = await Promise.all(
		job.executions.map((items) =>
			runActionNode({
				parameters: job.parameters,
				credentials: job.credentials,
				items,
				onError: 'continueRegularOutput',
				credentialId: job.credentialId,
			}),
		),
	);
	const outcomes: ExecutionOutcome[] = runs.map((run) => ({
		items: run.items.map((item) => item.json),
		paired: run.items.map((item) => (item.pairedItem as { item?: number } | undefined)?.item),
		error: run.error?.message,
	}));
	process.send!(outcomes, () => process.exit(0));
}

if (process.argv.includes('--pacing-child')) void child();
