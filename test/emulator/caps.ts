/** Posting caps (spec §9, §12.2): daily posts per creator, active publishing users per app, pending inbox shares. */
import type { TikTokEmulator } from './emulator';
import type { Account, EmulatorApp } from './types';

const DAY_MS = 86_400_000;
const UNAUDITED_ACTIVE_USER_CAP = 5;

export interface CapBlock {
	code: string;
	message: string;
}

export class PostingCaps {
	private readonly postWindowStart = new Map<string, number>();
	private readonly activeUsers = new Map<string, Map<string, number>>();

	constructor(private readonly emu: TikTokEmulator) {}

	/** account.postsToday, after restarting the 24 h window when it has run out. */
	postsToday(account: Account): number {
		const now = this.emu.clock.now();
		const start = this.postWindowStart.get(account.openId);
		if (start === undefined) this.postWindowStart.set(account.openId, now);
		else if (now - start >= DAY_MS) {
			account.postsToday = 0;
			this.postWindowStart.set(account.openId, now);
		}
		return account.postsToday;
	}

	activeUserCap(app: EmulatorApp): number {
		const configured = this.emu.settings.activeUserCap;
		if (configured !== null && configured !== undefined) return configured;
		return app.audited ? Number.POSITIVE_INFINITY : UNAUDITED_ACTIVE_USER_CAP;
	}

	private activeSet(app: EmulatorApp): Map<string, number> {
		const now = this.emu.clock.now();
		const users = this.activeUsers.get(app.clientKey) ?? new Map<string, number>();
		for (const [openId, at] of users) if (now - at >= DAY_MS) users.delete(openId);
		this.activeUsers.set(app.clientKey, users);
		return users;
	}

	/** Banned, daily post cap, then the app's active-user cap: what creator_info and the Direct Post inits check. */
	directPostBlock(account: Account, app: EmulatorApp): CapBlock | undefined {
		if (account.bannedFromPosting)
			return {
				code: 'spam_risk_user_banned_from_posting',
				message: 'The user is banned from making new posts.',
			};
		if (this.postsToday(account) >= account.dailyPostCap) {
			return {
				code: 'spam_risk_too_many_posts',
				message: `The daily post cap (${account.dailyPostCap}) for this creator has been reached.`,
			};
		}
		const active = this.activeSet(app);
		if (!active.has(account.openId) && active.size >= this.activeUserCap(app)) {
			return {
				code: 'reached_active_user_cap',
				message: 'The daily quota of active publishing users for this client has been reached.',
			};
		}
		return undefined;
	}

	/** Banned, then pending shares: what the inbox inits check. */
	inboxBlock(account: Account): CapBlock | undefined {
		if (account.bannedFromPosting)
			return {
				code: 'spam_risk_user_banned_from_posting',
				message: 'The user is banned from making new posts.',
			};
		const cap = this.emu.settings.pendingShareCap;
		if (this.pendingShares(account) >= cap) {
			return {
				code: 'spam_risk_too_many_pending_share',
				message: `At most ${cap} pending shares are allowed within 24 hours.`,
			};
		}
		return undefined;
	}

	/** Inbox shares created within 24 h that the creator has not posted yet (and that did not fail). */
	pendingShares(account: Account): number {
		const now = this.emu.clock.now();
		return this.emu.tasks.filter(
			(task) =>
				task.openId === account.openId &&
				task.publishType === 'INBOX_SHARE' &&
				now - task.createdAt < DAY_MS &&
				task.phase !== 'complete' &&
				task.phase !== 'failed',
		).length;
	}

	recordDirectPost(account: Account, app: EmulatorApp): void {
		this.postsToday(account);
		account.postsToday += 1;
		this.activeSet(app).set(account.openId, this.emu.clock.now());
	}
}
