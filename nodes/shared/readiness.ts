/**
 * Whether a number can carry a campaign now, and every reason it cannot: the checks behind Check
 * Readiness, Choose for Campaign and the trigger's context. Pure functions, no I/O.
 */
import {
	campaignAction,
	type CampaignAction,
	type MinQualityRating,
	type PhoneNumber,
	qualityAtLeast,
	qualityRank,
	shown,
	upper,
} from './phoneNumber';
import { describeTier, formatCapacity, tierAllows } from './tiers';

/** nameStatus values with which Meta restricts sending. */
const BLOCKING_NAME_STATUSES = new Set(['DECLINED', 'EXPIRED']);

function statusReason(status: unknown): string | undefined {
	const action = campaignAction(status);
	if (action === 'send') return undefined;
	if (action === 'wait') {
		return 'Status is PENDING: onboarding with Meta is not finished (OTP verification and display-name review); wait until it is ACTIVE';
	}
	return `Status is ${shown(status)}: the number cannot send; contact Agile Telecom support`;
}

function qualityReason(qualityRating: unknown, minimum: MinQualityRating): string | undefined {
	if (qualityAtLeast(qualityRating, minimum)) return undefined;
	const wanted = minimum === 'GREEN' ? 'GREEN' : 'GREEN or YELLOW';
	const note = qualityRank(qualityRating) < 0 ? ' (not rated by Meta yet)' : '';
	return `Quality rating is ${shown(qualityRating)}${note}; the campaign requires ${wanted}`;
}

function tierReason(messagingLimit: unknown, recipients: number): string | undefined {
	if (tierAllows(messagingLimit, recipients)) return undefined;
	const { capacity } = describeTier(messagingLimit);
	const needed = formatCapacity(recipients);
	if (capacity === undefined) {
		return `Messaging limit ${shown(messagingLimit)} is not a known tier, so capacity for ${needed} recipients cannot be confirmed`;
	}
	return `Messaging limit ${String(messagingLimit)} allows ${formatCapacity(capacity)} unique recipients per 24 h; the campaign needs ${needed}`;
}

function accountReasons(number: PhoneNumber): string[] {
	const reasons: string[] = [];
	if (upper(number.accountMode) === 'SANDBOX') {
		reasons.push('Account mode is SANDBOX: messages reach only test recipients; switch the WhatsApp account to LIVE');
	}
	const nameStatus = upper(number.nameStatus);
	if (nameStatus !== undefined && BLOCKING_NAME_STATUSES.has(nameStatus)) {
		reasons.push(`Display name status is ${nameStatus}: Meta restricts sending; request a new display-name review`);
	}
	return reasons;
}

export interface CampaignCriteria {
	/** Planned unique recipients in the next 24 hours. */
	recipients: number;
	minQualityRating: MinQualityRating;
}

export interface Readiness {
	ready: boolean;
	reasons: string[];
	action: CampaignAction;
}

/** Every failed check, in a fixed order: status, quality, tier, account. */
export function evaluateReadiness(number: PhoneNumber, criteria: CampaignCriteria): Readiness {
	const reasons = [
		statusReason(number.status),
		qualityReason(number.qualityRating, criteria.minQualityRating),
		tierReason(number.messagingLimit, criteria.recipients),
		...accountReasons(number),
	].filter((reason): reason is string => reason !== undefined);
	return { ready: reasons.length === 0, reasons, action: campaignAction(number.status) };
}
