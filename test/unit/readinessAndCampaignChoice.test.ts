import { chooseForCampaign } from '../../nodes/shared/campaignChoice';
import { campaignAction, type PhoneNumber, qualityAtLeast } from '../../nodes/shared/phoneNumber';
import { evaluateReadiness } from '../../nodes/shared/readiness';

const ready: PhoneNumber = {
	phoneNumberId: 'n1',
	displayName: 'ShopItalia',
	status: 'ACTIVE',
	qualityRating: 'GREEN',
	messagingLimit: 'TIER_10K',
	accountMode: 'LIVE',
	nameStatus: 'APPROVED',
};
const criteria = { recipients: 5000, minQualityRating: 'GREEN' as const };

describe('campaign action (ACTIVE → send, PENDING → wait, else contact support)', () => {
	it.each([
		['ACTIVE', 'send'],
		['CONNECTED', 'send'],
		['PENDING', 'wait'],
		['FLAGGED', 'contactSupport'],
		['BANNED', 'contactSupport'],
		[undefined, 'contactSupport'],
		[42, 'contactSupport'],
	])('%p → %s', (status, action) => expect(campaignAction(status)).toBe(action));
});

describe('quality minimum', () => {
	it('GREEN accepts only green; YELLOW accepts green or yellow; UNKNOWN and RED never pass', () => {
		expect(qualityAtLeast('GREEN', 'GREEN')).toBe(true);
		expect(qualityAtLeast('YELLOW', 'GREEN')).toBe(false);
		expect(qualityAtLeast('YELLOW', 'YELLOW')).toBe(true);
		expect(qualityAtLeast('GREEN', 'YELLOW')).toBe(true);
		for (const q of ['RED', 'UNKNOWN', 'NA', undefined]) {
			expect(qualityAtLeast(q, 'YELLOW')).toBe(false);
		}
	});
});

describe('evaluateReadiness', () => {
	it('is ready with no reasons when every check passes', () => {
		expect(evaluateReadiness(ready, criteria)).toEqual({ ready: true, reasons: [], action: 'send' });
	});

	it('gives one reason per failed check, each citing the fact and the threshold', () => {
		const {
			ready: ok,
			reasons,
			action,
		} = evaluateReadiness(
			{ ...ready, status: 'PENDING', qualityRating: 'RED', messagingLimit: 'TIER_1K', accountMode: 'SANDBOX' },
			criteria,
		);
		expect(ok).toBe(false);
		expect(action).toBe('wait');
		expect(reasons).toHaveLength(4);
		expect(reasons[0]).toMatch(/PENDING.*onboarding/);
		expect(reasons[1]).toMatch(/RED.*requires GREEN/);
		expect(reasons[2]).toBe('Messaging limit TIER_1K allows 1,000 unique recipients per 24 h; the campaign needs 5,000');
		expect(reasons[3]).toMatch(/SANDBOX/);
	});

	it('fails an unknown or missing tier with its own reason, and passes unlimited', () => {
		expect(evaluateReadiness({ ...ready, messagingLimit: 'TIER_NOT_SET' }, criteria).reasons).toEqual([
			'Messaging limit TIER_NOT_SET is not a known tier, so capacity for 5,000 recipients cannot be confirmed',
		]);
		expect(evaluateReadiness({ ...ready, messagingLimit: undefined }, criteria).reasons[0]).toMatch(/missing is not a known tier/);
		expect(evaluateReadiness({ ...ready, messagingLimit: 'TIER_UNLIMITED' }, { ...criteria, recipients: 1e9 }).ready).toBe(true);
	});

	it('treats a declined display name as blocking', () => {
		expect(evaluateReadiness({ ...ready, nameStatus: 'DECLINED' }, criteria).reasons[0]).toMatch(/DECLINED/);
	});
});

describe('chooseForCampaign', () => {
	const numbers: PhoneNumber[] = [
		{ ...ready, phoneNumberId: 'a', displayName: 'Brand A', qualityRating: 'YELLOW', messagingLimit: 'UNLIMITED' },
		{ ...ready, phoneNumberId: 'b', displayName: 'Brand B', messagingLimit: 'TIER_10K' },
		{ ...ready, phoneNumberId: 'c', displayName: 'Brand C', messagingLimit: 'TIER_100K' },
		{ ...ready, phoneNumberId: 'd', displayName: 'Brand C', messagingLimit: 'TIER_100K' },
		{ ...ready, phoneNumberId: 'e', displayName: 'Brand E', status: 'PENDING' },
	];

	it('prefers better quality, then more capacity, then the API order', () => {
		expect(chooseForCampaign(numbers, criteria).chosen?.phoneNumberId).toBe('c');
		expect(chooseForCampaign(numbers, { ...criteria, minQualityRating: 'YELLOW' }).chosen?.phoneNumberId).toBe('c');
		expect(chooseForCampaign([numbers[0]], { ...criteria, minQualityRating: 'YELLOW' }).chosen?.phoneNumberId).toBe('a');
	});

	it('filters by name case-insensitively and reports each rejected candidate', () => {
		const choice = chooseForCampaign(numbers, criteria, 'brand e');
		expect(choice.chosen).toBeUndefined();
		expect(choice.candidates).toBe(1);
		expect(choice.rejected).toEqual([{ number: numbers[4], reasons: [expect.stringMatching(/PENDING/)] }]);
		expect(chooseForCampaign(numbers, criteria, 'nobody').candidates).toBe(0);
	});
});
