/**
 * One read per distinct key in a run of the action node. n8n's routing node calls an operation once per
 * input item, all items at once, each with its own context; what the items of one run share is the
 * engine's execute data (one object per run of the node: another execution or the next turn of a loop
 * gets a new one). Items that name the same key wait for one request; each item gets its own deep copy of
 * the answer, or its own copy of the error, so no two items share an object. Nothing outlives the run: its
 * reads are dropped once all its items are done, and an item index that starts twice means the engine runs
 * the node again on the same execute data (Retry On Fail), which starts afresh.
 */
import type { IExecuteSingleFunctions } from 'n8n-workflow';

interface RunReads {
	/** The run's input items. */
	items: number;
	started: Set<number>;
	done: number;
	reads: Map<string, Promise<unknown>>;
}

const runs = new WeakMap<object, RunReads>();

/** What one item of a run uses: shared reads, and the end of its part of the run. */
export interface RunItem {
	/** `load()`'s answer for `key`, loaded once for all items of the run that ask for it. */
	read<T>(key: string, load: () => Promise<T>): Promise<T>;
	done(): void;
}

/** Without execute data (not run by the workflow engine) every item reads on its own. */
const UNSHARED: RunItem = { read: async (_key, load) => await load(), done: () => {} };

function inputItemCount(ctx: IExecuteSingleFunctions, runKey: { data?: { main?: unknown[] } }): number {
	// "Execute Once" runs the first item only, while the execute data still holds all of them.
	if (ctx.getNode().executeOnce) return 1;
	const items = runKey.data?.main?.[0];
	return Array.isArray(items) ? items.length : Number.POSITIVE_INFINITY;
}

export function joinRun(ctx: IExecuteSingleFunctions): RunItem {
	const runKey = ctx.getExecuteData() as { data?: { main?: unknown[] } } | undefined;
	if (typeof runKey !== 'object' || runKey === null) return UNSHARED;
	const itemIndex = ctx.getItemIndex();
	let run = runs.get(runKey);
	if (!run || run.started.has(itemIndex)) {
		run = { items: inputItemCount(ctx, runKey), started: new Set(), done: 0, reads: new Map() };
		runs.set(runKey, run);
	}
	run.started.add(itemIndex);
	const current = run;
	let finished = false;
	return {
		async read<T>(key: string, load: () => Promise<T>): Promise<T> {
			let pending = current.reads.get(key) as Promise<T> | undefined;
			if (!pending) {
				pending = load();
				current.reads.set(key, pending);
			}
			try {
				return copyJson(await pending);
			} catch (error) {
				throw ownCopy(error);
			}
		},
		done() {
			if (finished) return;
			finished = true;
			if (++current.done >= current.items && runs.get(runKey) === current) runs.delete(runKey);
		},
	};
}

/**
 * A deep copy of an answer parsed from JSON, exact for every JSON value: n8n's deepCopy would drop fields
 * named "constructor", "prototype" or "__proto__", which the API's JSON may hold as ordinary fields.
 */
function copyJson<T>(value: T): T {
	return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/**
 * A copy of a shared error for one item: same class, message and fields, its own context (where the
 * item index goes) and its own lists.
 */
function ownCopy(error: unknown): unknown {
	if (!(error instanceof Error)) return error;
	const copy = Object.create(Object.getPrototypeOf(error) as object, Object.getOwnPropertyDescriptors(error)) as Error & {
		context?: unknown;
		messages?: unknown;
	};
	if (typeof copy.context === 'object' && copy.context !== null) copy.context = { ...copy.context };
	if (Array.isArray(copy.messages)) copy.messages = [...(copy.messages as unknown[])];
	return copy;
}
