import type { IDataObject } from 'n8n-workflow';

import { PRIVACY_LEVELS } from '../../shared/api/creatorInfo';
import type { CreatorInfoResult } from '../../shared/api/creatorInfo';
import { tikTokOperationError } from '../../shared/errors/nodeErrors';
import type { InputChecker } from './checker';

/** Options a direct post shares between videos and photos, as the node's Options collection holds them. */
export interface DirectPostOptions {
	disableComment?: boolean;
	disableDuet?: boolean;
	disableStitch?: boolean;
	brandContentToggle?: boolean;
	brandOrganicToggle?: boolean;
}

export type Interaction = 'comment' | 'duet' | 'stitch';

const INTERACTIONS: Record<
	Interaction,
	{
		option: keyof DirectPostOptions;
		field: string;
		creatorFlag: 'commentDisabled' | 'duetDisabled' | 'stitchDisabled';
		label: string;
	}
> = {
	comment: {
		option: 'disableComment',
		field: 'disable_comment',
		creatorFlag: 'commentDisabled',
		label: 'Disable Comment',
	},
	duet: {
		option: 'disableDuet',
		field: 'disable_duet',
		creatorFlag: 'duetDisabled',
		label: 'Disable Duet',
	},
	stitch: {
		option: 'disableStitch',
		field: 'disable_stitch',
		creatorFlag: 'stitchDisabled',
		label: 'Disable Stitch',
	},
};

/** Checks that need no request: the privacy level is one of TikTok's and branded content is not private. */
export function checkDirectPostInput(
	check: InputChecker,
	privacyLevel: string,
	options: DirectPostOptions,
): void {
	if (!privacyLevel) {
		throw check.invalid(
			'Privacy Level',
			'it is empty, and TikTok requires the creator to choose it for every direct post (there is no default)',
			'Pick a Privacy Level from the list loaded from the account, or set it with an expression.',
		);
	}
	if (!(PRIVACY_LEVELS as readonly string[]).includes(privacyLevel)) {
		throw check.invalid(
			'Privacy Level',
			`"${privacyLevel}" is not a TikTok privacy level`,
			`Use one of ${PRIVACY_LEVELS.join(', ')}, as offered by the account.`,
		);
	}
	if (options.brandContentToggle === true && privacyLevel === 'SELF_ONLY') {
		throw check.invalid(
			'Privacy Level',
			'branded content (a paid partnership) cannot be private (SELF_ONLY)',
			'Choose a public or friends privacy level, or turn off "Branded Content" in the options.',
		);
	}
}

/**
 * Checks against the account, after creator info and before the post: the creator can post now, offers
 * the privacy level, and has not disabled an interaction the user explicitly allowed. Returns the
 * interaction flags to send: an interaction the account disabled is sent as disabled, which is what TikTok
 * applies anyway.
 */
export function checkAgainstCreator(
	check: InputChecker,
	creator: CreatorInfoResult,
	privacyLevel: string,
	options: DirectPostOptions,
	interactions: Interaction[],
): IDataObject {
	if (creator.cannotPost) {
		throw tikTokOperationError(
			check.node,
			`${creator.cannotPost.message}, so TikTok does not accept posts from it right now`,
			creator.cannotPost.fix,
			{ code: creator.cannotPost.code, logId: creator.cannotPost.logId },
			check.itemIndex,
		);
	}
	const { info } = creator;
	const account = info.nickname ? `the account "${info.nickname}"` : 'the account';
	if (!info.privacyLevelOptions.includes(privacyLevel)) {
		throw check.invalid(
			'Privacy Level',
			`${account} does not offer ${privacyLevel}; it offers ${info.privacyLevelOptions.join(', ') || 'none'}`,
			privacyLevel === 'PUBLIC_TO_EVERYONE'
				? 'The account is private: use FOLLOWER_OF_CREATOR, MUTUAL_FOLLOW_FRIENDS or SELF_ONLY, or make the account public in the TikTok app.'
				: 'Pick one of the levels the account offers (the Privacy Level list is loaded from the account).',
		);
	}
	const flags: IDataObject = {};
	for (const interaction of interactions) {
		const { option, field, creatorFlag, label } = INTERACTIONS[interaction];
		const disabledByAccount = info[creatorFlag];
		if (disabledByAccount && options[option] === false) {
			throw check.invalid(
				label,
				`it is turned off to allow ${interaction}s, but ${account} has ${interaction}s disabled in its TikTok settings${interaction === 'comment' ? '' : ' (private accounts always do)'}`,
				`Remove the "${label}" option or turn it on; to allow ${interaction}s, change the account's settings in the TikTok app.`,
			);
		}
		flags[field] = disabledByAccount || options[option] === true;
	}
	return flags;
}
