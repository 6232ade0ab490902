/** Fault injection: rules that make a matching request fail, drop, stall or see an expired upload URL. */
import type { ActiveFault, FaultAction, FaultMatch, FaultRuleInput, FaultTarget } from './types';

const actionKeys = [
	'status',
	'body',
	'headers',
	'drop',
	'afterBytes',
	'expireUploadUrl',
	'delayMs',
] as const;

function normaliseAction(rule: FaultRuleInput): FaultAction {
	const source = ('action' in rule && rule.action ? rule.action : rule) as Record<string, unknown>;
	const action: Record<string, unknown> = {};
	for (const key of actionKeys) if (source[key] !== undefined) action[key] = source[key];
	const kinds = ['status', 'drop', 'expireUploadUrl', 'delayMs'].filter(
		(key) => action[key] !== undefined,
	);
	if (kinds.length !== 1)
		throw new TypeError(
			`A fault needs exactly one of status, drop, expireUploadUrl, delayMs (got ${kinds.join(', ') || 'none'})`,
		);
	if (action.expireUploadUrl !== undefined && rule.target !== 'upload')
		throw new TypeError('expireUploadUrl only applies to the upload target');
	return action as FaultAction;
}

/** A fault applied after the request was processed: its answer is replaced (status) or lost (drop). */
export function isLateFault(fault: ActiveFault): boolean {
	return fault.match.phase === 'after' && ('status' in fault.action || 'drop' in fault.action);
}

export interface FaultContext {
	chunkIndex?: number;
	publishId?: string;
}

export class FaultRegistry {
	private nextId = 1;
	private rules: ActiveFault[] = [];

	add(rule: FaultRuleInput): ActiveFault {
		const action = normaliseAction(rule);
		const match: FaultMatch = {
			target: rule.target,
			chunkIndex: rule.chunkIndex,
			publishId: rule.publishId,
			nth: rule.nth ?? 1,
			times: rule.times ?? 1,
			phase: rule.phase ?? 'before',
		};
		const active: ActiveFault = {
			id: this.nextId++,
			match,
			action,
			remaining: match.times ?? 1,
			seen: 0,
			fired: 0,
		};
		this.rules.push(active);
		return active;
	}

	/** Finds the first live rule for this request, counts it, and consumes one firing when due. */
	take(target: FaultTarget, context: FaultContext = {}): ActiveFault | undefined {
		for (const rule of this.rules) {
			const { match } = rule;
			if (rule.remaining <= 0 || match.target !== target) continue;
			if (match.chunkIndex !== undefined && match.chunkIndex !== context.chunkIndex) continue;
			if (match.publishId !== undefined && match.publishId !== context.publishId) continue;
			rule.seen += 1;
			if (rule.seen < (match.nth ?? 1)) continue;
			rule.remaining -= 1;
			rule.fired += 1;
			return rule;
		}
		return undefined;
	}

	list(): ActiveFault[] {
		return [...this.rules];
	}

	remove(id: number): void {
		this.rules = this.rules.filter((rule) => rule.id !== id);
	}

	clear(): void {
		this.rules = [];
	}
}
