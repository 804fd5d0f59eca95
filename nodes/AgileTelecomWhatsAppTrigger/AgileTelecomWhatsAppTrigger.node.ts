import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';

import { DEFAULT_TIMEOUT_MS } from '../shared/constants';
import { CHANGE_EVENTS, type ChangeEvent, diffSnapshot, isSnapshot, sampleChange, takeSnapshot, watchKey } from './numberChanges';
import { pollDeadline, warnOutOfTime } from './pollBudget';
import { pollKind } from './pollState';
import { readWatchedNumbers } from './readWatchedNumbers';
import { STATE_RESET, stateReset } from './stateReset';
import { testAgileTelecomApi } from '../shared/credentialTest';
import { numberLabel } from '../shared/numberLabels';
import { readsOfCredential } from '../shared/sharedReads';
import { isDeadlineError } from '../shared/transport';

const TRIGGER_EVENTS = [...CHANGE_EVENTS, STATE_RESET] as const;

const EVENT_OPTIONS: Record<(typeof TRIGGER_EVENTS)[number], Omit<INodePropertyOptions, 'value'>> = {
	statusChanged: { name: 'Status Changed', description: 'E.g. PENDING → ACTIVE when onboarding finishes' },
	qualityRatingChanged: { name: 'Quality Rating Changed', description: 'E.g. GREEN → YELLOW: act before RED leads to suspension' },
	messagingLimitChanged: { name: 'Messaging Limit Changed', description: 'The tier went up or down' },
	numberAdded: { name: 'Number Added', description: 'A number appeared in the account' },
	numberRemoved: { name: 'Number Removed', description: 'A number left the account' },
	stateReset: {
		name: 'State Reset',
		description: 'n8n lost the stored snapshot between polls: changes since may be missed, re-check with Get Many',
	},
};

export class AgileTelecomWhatsAppTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agile Telecom WhatsApp Trigger',
		name: 'agileTelecomWhatsAppTrigger',
		icon: { light: 'file:../../icons/agileTelecom.svg', dark: 'file:../../icons/agileTelecom.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Watch: " + ($parameter["events"] || []).join(", ")}}',
		description:
			"Starts the workflow when a WhatsApp number's status, quality rating or messaging limit changes, or a number is added or removed",
		defaults: { name: 'Agile Telecom WhatsApp Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'agileTelecomApi', required: true, testedBy: 'agileTelecomApiTest' }],
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: [...TRIGGER_EVENTS],
				description: 'The changes that start the workflow; each change is one item',
				options: TRIGGER_EVENTS.map((value) => ({ value, ...EVENT_OPTIONS[value] })),
			},
			{
				displayName: 'Phone Number Names or IDs',
				name: 'phoneNumberIds',
				type: 'multiOptions',
				default: [],
				typeOptions: { loadOptionsMethod: 'getPhoneNumbers' },
				description:
					'Watch only these numbers; leave empty to watch every number of the account. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Timeout',
						name: 'timeout',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_TIMEOUT_MS,
						description: 'Time in ms to wait for each API response before the poll fails (it is retried at the next poll)',
					},
				],
			},
		],
	};

	methods = {
		credentialTest: { agileTelecomApiTest: testAgileTelecomApi },
		loadOptions: {
			async getPhoneNumbers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				// The credential's one-minute copy, shared with the action node's picker; polls read fresh.
				const numbers = await (await readsOfCredential(this)).list(this, {}).all();
				return numbers.map((number) => ({ name: numberLabel(number), value: String(number.phoneNumberId) }));
			},
		},
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const kind = pollKind(this);
		const events = new Set(this.getNodeParameter('events', []) as string[]) as ReadonlySet<ChangeEvent>;
		const phoneNumberIds = (this.getNodeParameter('phoneNumberIds', []) as unknown[]).map(String).filter(Boolean);
		const watch = watchKey(phoneNumberIds);
		const state = this.getWorkflowStaticData('node') as IDataObject;
		// A failed read throws here, before the snapshot is touched: the change is seen by the next poll. A
		// read cut short by the poll's budget returns null, also untouched: nothing is half-committed.
		const startedAt = Date.now();
		let read;
		try {
			read = await readWatchedNumbers(this, phoneNumberIds, typeof state.listPages === 'number' ? state.listPages : 0, pollDeadline(this));
		} catch (error) {
			if (kind !== 'manual' && isDeadlineError(error)) {
				warnOutOfTime(this, startedAt);
				return null;
			}
			throw error instanceof NodeApiError || error instanceof NodeOperationError
				? error
				: new NodeOperationError(this.getNode(), error as Error);
		}
		const { numbers, listPages } = read;
		const stored = isSnapshot(state.snapshot) && state.snapshot.watch === watch ? state.snapshot : undefined;

		if (kind === 'manual') {
			// "Fetch Test Event": real pending changes if any, else a sample from real data; snapshot untouched.
			const changes = stored ? diffSnapshot(stored, numbers, events) : [];
			if (changes.length) return [this.helpers.returnJsonArray(changes)];
			if (!numbers.length) {
				throw new NodeOperationError(this.getNode(), 'No WhatsApp number to build a test event from', {
					description:
						"The account (or the numbers chosen under 'Phone Number Names or IDs') has no numbers yet: add a number in the Qlara dashboard, or clear 'Phone Number Names or IDs' to watch the whole account",
				});
			}
			return [this.helpers.returnJsonArray([sampleChange(numbers[0])])];
		}

		// The first poll after activation (or after the watched numbers changed) is a baseline only. No
		// snapshot on a later poll means n8n lost it: never a silent new baseline.
		const changes: IDataObject[] = stored ? diffSnapshot(stored, numbers, events) : [];
		if (!isSnapshot(state.snapshot) && kind === 'later') {
			const reset = stateReset(this, numbers.length);
			if ((events as ReadonlySet<string>).has(STATE_RESET)) changes.push(reset);
		}
		state.snapshot = takeSnapshot(numbers, watch);
		state.listPages = listPages;
		return changes.length ? [this.helpers.returnJsonArray(changes)] : null;
	}
}
