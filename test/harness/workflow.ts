/**
 * Runs a workflow of several nodes (the package's and small test nodes) through n8n-core's WorkflowExecute,
 * for what one node alone cannot show: what a later node does to the items, a node that runs twice in one
 * execution.
 */
import { WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	type IConnections,
	type IDataObject,
	type IExecuteData,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type IRun,
	NodeConnectionTypes,
	Workflow,
} from 'n8n-workflow';

import { additionalData, attachHooks, loadPackage, registerNodeType, type TestCredentials } from './engine';

/** A programmatic test node: `run` gets the execute context and the node's input items. */
export function testNodeType(
	name: string,
	outputs: number,
	run: (ctx: IExecuteFunctions, items: INodeExecutionData[]) => INodeExecutionData[][],
): string {
	const type: INodeType = {
		description: {
			displayName: name,
			name,
			group: ['transform'],
			version: 1,
			description: name,
			defaults: { name },
			inputs: [NodeConnectionTypes.Main],
			outputs: Array.from({ length: outputs }, () => NodeConnectionTypes.Main),
			properties: [],
		},
		async execute(this: IExecuteFunctions) {
			return run(this, this.getInputData());
		},
	};
	const typeName = `test.${name}`;
	registerNodeType(typeName, type);
	return typeName;
}

export interface WorkflowNode {
	name: string;
	type: string;
	/** 1 unless given. */
	typeVersion?: number;
	parameters?: INode['parameters'];
	onError?: INode['onError'];
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
}

/** Runs `nodes` (the first gets `items`) wired by `connections` ([from, output, to] triples). */
export async function runWorkflow(options: {
	nodes: WorkflowNode[];
	connections: Array<[from: string, output: number, to: string]>;
	items: IDataObject[];
	credentials: TestCredentials;
}): Promise<IRun> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const nodes: INode[] = options.nodes.map((n, i) => ({
		id: `node-${i}`,
		name: n.name,
		type: n.type,
		typeVersion: n.typeVersion ?? 1,
		position: [i * 200, 0],
		parameters: n.parameters ?? {},
		credentials: { agileTelecomApi: { id: 'cred-1', name: 'Agile Telecom account' } },
		...(n.onError ? { onError: n.onError } : {}),
		...(n.retryOnFail ? { retryOnFail: true, maxTries: n.maxTries, waitBetweenTries: n.waitBetweenTries } : {}),
	}));
	const connections: IConnections = {};
	for (const [from, output, to] of options.connections) {
		const main = (connections[from] ??= { main: [] }).main;
		while (main.length <= output) main.push([]);
		main[output]!.push({ node: to, type: NodeConnectionTypes.Main, index: 0 });
	}
	const workflow = new Workflow({ id: 'wf-2', nodes, connections, active: false, nodeTypes });
	const data = additionalData(options.credentials, credentialTypes);
	attachHooks(data, workflow);
	const executeData: IExecuteData = { node: nodes[0], data: { main: [options.items.map((json) => ({ json }))] }, source: null };
	const runExecutionData = createRunExecutionData({ executionData: { nodeExecutionStack: [executeData] } });
	return await new WorkflowExecute(data, 'manual', runExecutionData).processRunExecutionData(workflow);
}

/** The items a node put on its first output, run by run. */
export function outputOf(run: IRun, node: string): INodeExecutionData[][] {
	return (run.data.resultData.runData[node] ?? []).map((task) => task.data?.main?.[0] ?? []);
}
