/**
 * Runs this package's nodes through n8n's own engine (n8n-core's WorkflowExecute), with the node and
 * credential types loaded from the built package by n8n-core's PackageDirectoryLoader, exactly as n8n
 * loads a community package. Requests go over real HTTP (to the sandbox).
 */
import { resolve } from 'node:path';

import {
	CredentialTestContext,
	DirectoryLoader,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PackageDirectoryLoader,
	PollContext,
	TriggersAndPollers,
	WorkflowExecute,
} from 'n8n-core';
import {
	createRunExecutionData,
	type ICredentialDataDecryptedObject,
	ICredentialsHelper,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IExecuteData,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';

export const PACKAGE_ROOT = resolve(__dirname, '../../..');
export const PACKAGE_NAME = 'n8n-nodes-agiletelecom';
export const ACTION_NODE = `${PACKAGE_NAME}.agileTelecomWhatsApp`;
export const TRIGGER_NODE = `${PACKAGE_NAME}.agileTelecomWhatsAppTrigger`;

export interface LoadedPackage {
	nodeTypes: INodeTypes;
	credentialTypes: Map<string, ICredentialType>;
	loader: PackageDirectoryLoader;
}

let loaded: Promise<LoadedPackage> | undefined;
/** Node types that are not part of the package (e.g. a plain declarative node to compare against). */
const extraTypes = new Map<string, INodeType>();

/** Registers a node type under `name`, prepared the way n8n's loader prepares declarative nodes. */
export function registerNodeType(name: string, type: INodeType): void {
	DirectoryLoader.applyDeclarativeNodeOptionParameters(type);
	extraTypes.set(name, type);
}

/** The AI tool variant's type name: n8n builds it from a `usableAsTool` node, its name ending in "Tool". */
export const TOOL_NODE = `${PACKAGE_NAME}.agileTelecomWhatsAppTool`;

/** Registers the tool variant as n8n makes it: the built node with "Tool" appended to its name (so `@tool` is true). */
export function registerToolVariant(): string {
	if (extraTypes.has(TOOL_NODE)) return TOOL_NODE;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { AgileTelecomWhatsApp } = require(resolve(PACKAGE_ROOT, 'dist/nodes/AgileTelecomWhatsApp/AgileTelecomWhatsApp.node.js')) as {
		AgileTelecomWhatsApp: new () => INodeType;
	};
	const tool = new AgileTelecomWhatsApp();
	tool.description = { ...tool.description, name: `${tool.description.name}Tool` };
	registerNodeType(TOOL_NODE, tool);
	return TOOL_NODE;
}

/** Loads dist/ through n8n-core's loader (which also adds the declarative Options collection). */
export function loadPackage(): Promise<LoadedPackage> {
	loaded ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		const types = new Map<string, INodeType | IVersionedNodeType>();
		for (const [name, { type }] of Object.entries(loader.nodeTypes)) types.set(`${PACKAGE_NAME}.${name}`, type);
		const nodeTypes: INodeTypes = {
			getByName: (type) => lookup(types, type),
			getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(lookup(types, type), version),
			getKnownTypes: () => ({}),
		};
		const credentialTypes = new Map(Object.entries(loader.credentialTypes).map(([name, { type }]) => [name, type]));
		return { nodeTypes, credentialTypes, loader };
	})();
	return loaded;
}

function lookup(types: Map<string, INodeType | IVersionedNodeType>, type: string): INodeType | IVersionedNodeType {
	const found = types.get(type) ?? extraTypes.get(type);
	if (!found) throw new Error(`Unknown node type ${type}`);
	return found;
}

/** Credentials as a user would save them; `apiKey` is the secret the tests look for everywhere. */
export interface TestCredentials extends ICredentialDataDecryptedObject {
	apiKey: string;
	baseUrl: string;
}

/**
 * n8n's credentials helper, reduced to what an execution needs: the decrypted data, and the credential
 * type's own generic `authenticate` block applied the way n8n applies it (expressions resolved).
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentials: Record<string, ICredentialDataDecryptedObject>,
		private readonly credentialTypes: Map<string, ICredentialType>,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.credentialTypes.get(typeName)?.authenticate;
		if (!authenticate || typeof authenticate === 'function' || authenticate.type !== 'generic' || !workflow || !node) {
			return requestOptions;
		}
		const headers = { ...(requestOptions.headers ?? {}) } as IDataObject;
		for (const [name, value] of Object.entries(authenticate.properties.headers ?? {})) {
			headers[name] = workflow.expression.getSimpleParameterValue(
				node,
				value as string,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			) as string;
		}
		return { ...requestOptions, headers };
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by these nodes');
	}

	async getDecrypted(
		_data: IWorkflowExecuteAdditionalData,
		details: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentials[details.id ?? ''] ?? this.credentials[type];
		if (!data) throw new Error(`No test credentials for ${type}`);
		return { ...data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialTypes.get(type)?.properties ?? [];
	}
}

export function additionalData(
	credentials: TestCredentials,
	credentialTypes: Map<string, ICredentialType>,
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: new TestCredentialsHelper({ agileTelecomApi: credentials }, credentialTypes),
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

export interface RunOptions {
	parameters: INodeParameters;
	credentials: TestCredentials;
	/** Input items; one empty item by default (as after a Manual Trigger). */
	items?: IDataObject[];
	onError?: OnError;
	/** The credential's ID: the rate limiter's key. */
	credentialId?: string;
	/** Another node type to run instead (see registerNodeType). */
	nodeType?: string;
}

export interface RunResult {
	/** Items on the regular output. */
	items: INodeExecutionData[];
	/** Items on the error output (onError = continueErrorOutput). */
	errorItems: INodeExecutionData[];
	/** The node's error when the run failed. */
	error: (Error & { description?: string | null; httpCode?: string | null; context?: IDataObject }) | undefined;
	run: IRun;
}

const NODE_NAME = 'Agile Telecom WhatsApp';

function actionNode(parameters: INodeParameters, credentialId = 'cred-1', onError?: OnError, type = ACTION_NODE): INode {
	return {
		id: 'node-1',
		name: NODE_NAME,
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { agileTelecomApi: { id: credentialId, name: 'Agile Telecom account' } },
		...(onError ? { onError } : {}),
	};
}

/** Calls a listSearch method of the action node as the editor does; `credentialId` names the credential the node uses. */
export async function searchList(
	method: string,
	credentials: TestCredentials,
	filter?: string,
	paginationToken?: string,
	credentialId?: string,
) {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const node = actionNode({ resource: 'phoneNumber', operation: 'get' }, credentialId);
	const workflow = new Workflow({ id: 'wf-1', nodes: [node], connections: {}, active: false, nodeTypes });
	const context = new LoadOptionsContext(workflow, node, additionalData(credentials, credentialTypes), 'parameters.phoneNumberId');
	const nodeType = nodeTypes.getByNameAndVersion(ACTION_NODE, 1);
	const search = nodeType.methods?.listSearch?.[method];
	if (!search) throw new Error(`No listSearch method ${method}`);
	return await search.call(context, filter, paginationToken);
}

/** Opens a loadOptions dropdown of the trigger as the editor does; `credentialId` names the credential the node uses. */
export async function loadTriggerOptions(method: string, credentials: TestCredentials, credentialId?: string) {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const node = actionNode({}, credentialId, undefined, TRIGGER_NODE);
	const workflow = new Workflow({ id: 'wf-1', nodes: [node], connections: {}, active: false, nodeTypes });
	const context = new LoadOptionsContext(workflow, node, additionalData(credentials, credentialTypes), 'parameters.phoneNumberIds');
	const load = nodeTypes.getByNameAndVersion(TRIGGER_NODE, 1).methods?.loadOptions?.[method];
	if (!load) throw new Error(`No loadOptions method ${method}`);
	return await load.call(context);
}

/**
 * The credential's Test as n8n's credentials tester runs it: the credential type has no declarative test,
 * so the tester takes the method a node names in `testedBy` and calls it with n8n-core's test context.
 */
export async function testCredential(
	data: ICredentialDataDecryptedObject,
	credential: { id: string; name: string } = { id: 'cred-1', name: 'Agile Telecom API' },
): Promise<INodeCredentialTestResult> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	if (credentialTypes.get('agileTelecomApi')?.test) throw new Error('the credential has a declarative test: n8n would send that instead');
	const [action, trigger] = [ACTION_NODE, TRIGGER_NODE].map((name) => {
		const type = nodeTypes.getByNameAndVersion(name, 1);
		const testedBy = type.description.credentials?.find((c) => c.name === 'agileTelecomApi')?.testedBy;
		const method = typeof testedBy === 'string' ? type.methods?.credentialTest?.[testedBy] : undefined;
		if (!method) throw new Error(`${name} names no credential test method`);
		return method;
	});
	if (action !== trigger) throw new Error('the two nodes name different credential tests');
	const context = new CredentialTestContext(additionalData(data as TestCredentials, credentialTypes));
	return await action.call(context, { ...credential, type: 'agileTelecomApi', data });
}

/** The lifecycle hooks the engine expects on a manual run of `workflow` (none of them is listened to). */
export function attachHooks(data: IWorkflowExecuteAdditionalData, workflow: Workflow): void {
	const { id, nodes, connectionsBySourceNode: connections } = workflow;
	(data as { hooks?: ExecutionLifecycleHooks }).hooks = new ExecutionLifecycleHooks('manual', `exec-${id}`, {
		id,
		name: 'test',
		nodes: Object.values(nodes),
		connections,
		active: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		isArchived: false,
		activeVersionId: null,
	} as never);
}

/** Runs one Agile Telecom WhatsApp node on the given items with n8n's WorkflowExecute. */
export async function runActionNode(options: RunOptions): Promise<RunResult> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const node = actionNode(options.parameters, options.credentialId, options.onError, options.nodeType);
	const workflow = new Workflow({ id: 'wf-1', nodes: [node], connections: {}, active: false, nodeTypes });
	const data = additionalData(options.credentials, credentialTypes);
	attachHooks(data, workflow);
	const items = (options.items ?? [{}]).map((json) => ({ json }));
	const executeData: IExecuteData = { node, data: { main: [items] }, source: null };
	const runExecutionData = createRunExecutionData({ executionData: { nodeExecutionStack: [executeData] } });
	let run: IRun;
	try {
		run = await new WorkflowExecute(data, 'manual', runExecutionData).processRunExecutionData(workflow);
	} catch (thrown) {
		// The engine refuses to start a node with parameter issues (e.g. a required field left empty).
		return { items: [], errorItems: [], error: thrown as RunResult['error'], run: { data: runExecutionData } as IRun };
	}
	const task = run.data.resultData.runData[NODE_NAME]?.[0];
	const outputs = task?.data?.main ?? [];
	const error = (task?.error ?? run.data.resultData.error) as RunResult['error'];
	return {
		items: outputs[0] ?? [],
		errorItems: options.onError === 'continueErrorOutput' ? (outputs[1] ?? []) : [],
		error,
		run,
	};
}

export interface Poller {
	/** One poll as n8n runs it (TriggersAndPollers + PollContext); mode 'trigger' = active workflow. */
	poll(mode?: 'trigger' | 'manual'): Promise<INodeExecutionData[] | null>;
	/** The trigger node's static data (in scheduler mode: the committed cursor). */
	staticData(): IDataObject;
	setParameters(parameters: INodeParameters): void;
	/** (Re)activates the workflow: the next trigger poll is the activation poll, with a new context. */
	activate(): void;
	/** The budget later scheduler polls report. */
	setBudgetMs(ms: number): void;
}

export interface PollerOptions {
	/**
	 * 'classic' (n8n's default): one context made at activation serves every poll, static data lives in
	 * the workflow. 'scheduler' (n8n 2.41's durable poll cursors), as poll-trigger-executor.js and
	 * trigger-execution-context.factory.js run it: the activation poll works on a staged copy of the
	 * cursor that n8n 2.41.1 does not commit when the poll returns null; every later poll gets a new
	 * context (activation mode 'update', the leased budget) on a staged copy committed after it returns.
	 */
	mode?: 'classic' | 'scheduler';
	/** The budget a scheduler poll's context reports (getPollBudgetMs); n8n's default is 36 s. */
	budgetMs?: number;
	/** To tell one test's log lines from another's. */
	workflowId?: string;
}

/** A trigger node in a workflow object that lives across polls, so its static data persists between them. */
export async function createPoller(
	parameters: INodeParameters,
	credentials: TestCredentials,
	credentialId = 'cred-1',
	options: PollerOptions = {},
): Promise<Poller> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const node: INode = {
		id: 'trigger-1',
		name: 'Agile Telecom WhatsApp Trigger',
		type: TRIGGER_NODE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { agileTelecomApi: { id: credentialId, name: 'Agile Telecom account' } },
	};
	const workflow = new Workflow({
		id: options.workflowId ?? 'wf-trigger',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: {},
	});
	const data = additionalData(credentials, credentialTypes);
	const pollers = new TriggersAndPollers();
	const scheduler = options.mode === 'scheduler';
	let budgetMs = options.budgetMs ?? 36_000;
	let cursor: IDataObject = {};
	let activationContext: PollContext | undefined;
	let activationPending = true;

	const run = async (context: PollContext) => {
		const result = await pollers.runPollFunction(workflow, node, context);
		return result === null ? null : result[0];
	};
	const schedulerPoll = async (activation: boolean) => {
		const staged = structuredClone(cursor);
		const context = activation
			? new PollContext(workflow, node, data, 'trigger', 'update', undefined, undefined, undefined, undefined, () => staged)
			: new PollContext(
					workflow,
					node,
					data,
					'trigger',
					'update',
					undefined,
					undefined,
					undefined,
					undefined,
					() => staged,
					() => budgetMs,
				);
		const result = await run(context);
		// n8n 2.41.1 commits with the execution, or alone after null, except an activation poll's null.
		if (!activation || result !== null) cursor = staged;
		return result;
	};

	return {
		async poll(mode = 'trigger') {
			if (mode === 'manual') return await run(new PollContext(workflow, node, data, 'manual', 'manual'));
			const activation = activationPending;
			activationPending = false;
			if (scheduler) return await schedulerPoll(activation);
			if (activation || !activationContext) activationContext = new PollContext(workflow, node, data, 'trigger', 'activate');
			return await run(activationContext);
		},
		staticData: () => (scheduler ? cursor : workflow.getStaticData('node', node)),
		setParameters(next) {
			node.parameters = next;
		},
		activate() {
			activationPending = true;
		},
		setBudgetMs(ms) {
			budgetMs = ms;
		},
	};
}
