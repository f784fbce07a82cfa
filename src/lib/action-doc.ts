/**
 * The shape of an action card's collaborative document, shared by client and
 * server (SPEC "Stable interface"): a `meta` map with the structured fields,
 * and one XmlFragment per rich-text field of the plan's card template, named
 * after the field key. A theme's document holds one XmlFragment per theme
 * section; a plan's document holds the fragment `intro`.
 */
export const META = 'meta';
export const PLAN_INTRO = 'intro';

export const STATUSES = ['not_started', 'in_progress', 'at_risk', 'done', 'ongoing', 'dropped'] as const;
export type Status = (typeof STATUSES)[number];

export function isStatus(value: unknown): value is Status {
	return typeof value === 'string' && (STATUSES as readonly string[]).includes(value);
}

/** Keys of the `meta` map, with their types. */
export interface ActionMeta {
	title: string;
	status: Status;
	/** 'YYYY-MM' */
	planningStart: string | null;
	/** 'YYYY-MM' or 'ongoing' */
	planningEnd: string | null;
	/** whole euros */
	costAmount: number | null;
	fundingSourceId: string | null;
	fundingNote: string | null;
	lead: string | null;
	/** the gemeente the card names (a regional plan's action for one gemeente) */
	municipalityId: string | null;
	partners: string[];
	tags: string[];
	progress: number;
}

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Reads the meta map defensively: a document written by any client is untrusted input. */
export function readMeta(meta: { get(key: string): unknown }): ActionMeta {
	const str = (v: unknown, max = 500) => (typeof v === 'string' ? v.slice(0, max) : null);
	const month = (v: unknown) => (typeof v === 'string' && MONTH.test(v) ? v : null);
	const strings = (v: unknown) =>
		Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => x.slice(0, 200)).slice(0, 50) : [];
	const status = meta.get('status');
	const cost = meta.get('costAmount');
	const progress = meta.get('progress');
	const end = meta.get('planningEnd');
	return {
		title: (str(meta.get('title')) ?? '').trim(),
		status: isStatus(status) ? status : 'not_started',
		planningStart: month(meta.get('planningStart')),
		planningEnd: end === 'ongoing' ? 'ongoing' : month(end),
		costAmount: typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? Math.round(cost) : null,
		fundingSourceId: str(meta.get('fundingSourceId'), 40),
		fundingNote: str(meta.get('fundingNote'), 2000),
		lead: str(meta.get('lead')),
		municipalityId: str(meta.get('municipalityId'), 40),
		partners: strings(meta.get('partners')),
		tags: strings(meta.get('tags')),
		progress: typeof progress === 'number' && Number.isFinite(progress) ? Math.max(0, Math.min(100, Math.round(progress))) : 0
	};
}
