import type { ColumnType, Generated } from 'kysely';

/**
 * The database as Kysely sees it. Timestamps are milliseconds since the epoch
 * (INTEGER), booleans are 0/1. Tables grow with later migrations; this file is
 * the single TypeScript description of all of them.
 */
export interface Database {
	users: UserTable;
	sessions: SessionTable;
	regions: RegionTable;
	municipalities: MunicipalityTable;
	region_memberships: RegionMembershipTable;
	municipality_memberships: MunicipalityMembershipTable;
	login_throttle: LoginThrottleTable;
	plans: PlanTable;
	chapters: ChapterTable;
	themes: ThemeTable;
	theme_ambassadors: ThemeAmbassadorTable;
	funding_sources: FundingSourceTable;
	funding_amounts: FundingAmountTable;
	actions: ActionTable;
	local_adoptions: LocalAdoptionTable;
	action_flags: ActionFlagTable;
	indicators: IndicatorTable;
	indicator_values: IndicatorValueTable;
	threads: ThreadTable;
	comments: CommentTable;
	comment_mentions: CommentMentionTable;
	notifications: NotificationTable;
	review_cycles: ReviewCycleTable;
	reviews: ReviewTable;
	review_votes: ReviewVoteTable;
	review_decisions: ReviewDecisionTable;
	plan_versions: PlanVersionTable;
	version_publications: VersionPublicationTable;
	audit_log: AuditLogTable;
	login_devices: LoginDeviceTable;
	health_probe: HealthProbeTable;
	unsubscribe_tokens: UnsubscribeTokenTable;
	setup_tokens: SetupTokenTable;
	invitations: InvitationTable;
	account_tokens: AccountTokenTable;
	user_mfa: UserMfaTable;
	mfa_recovery_codes: MfaRecoveryCodeTable;
	mfa_pending_logins: MfaPendingLoginTable;
	version_adoptions: VersionAdoptionTable;
	council_responses: CouncilResponseTable;
	council_response_links: CouncilResponseLinkTable;
	plan_focus: PlanFocusTable;
	checkin_schedules: CheckinScheduleTable;
	checkin_rounds: CheckinRoundTable;
	checkins: CheckinTable;
	checkin_requests: CheckinRequestTable;
	collab_documents: CollabDocumentTable;
	collab_updates: CollabUpdateTable;
	collab_history: CollabHistoryTable;
}

export interface UserTable {
	id: string;
	email: string;
	name: string;
	/** null: the account exists (e.g. an ambassador in demo data) but cannot log in. */
	password_hash: string | null;
	color: string;
	created_at: number;
	/** 1: the instance admin (regions, gemeenten and accounts of the whole installation) */
	instance_admin: Generated<number>;
	/** set: the account cannot sign in; it stays for authorship and the audit log */
	deactivated_at: ColumnType<number | null, number | null | undefined, number | null>;
	last_login_at: ColumnType<number | null, number | null | undefined, number | null>;
	/** how new notifications reach the person by mail (migration 0016) */
	notification_mode: ColumnType<NotificationMode, NotificationMode | undefined, NotificationMode>;
	last_digest_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export type NotificationMode = 'immediate' | 'daily' | 'off';

export interface SessionTable {
	/** hex SHA-256 of the token; the token itself is never stored */
	id: string;
	user_id: string;
	created_at: number;
	/** sliding idle expiry */
	expires_at: number;
	/** hard limit, never extended */
	absolute_expires_at: number;
	/** last request with this session (updated at most once a minute) */
	last_used_at: ColumnType<number | null, number | null | undefined, number | null>;
	/** the browser's User-Agent at sign-in, for the sessions list */
	user_agent: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RegionTable {
	id: string;
	slug: string;
	name: string;
	centrum_municipality_id: string | null;
	/** 1: the region's admins and editors must use MFA */
	mfa_required: Generated<number>;
}

export interface MunicipalityTable {
	id: string;
	slug: string;
	name: string;
	region_id: string;
	/** CBS code ("GM0202") when picked from server/data/gemeenten.json; null for a typed name */
	cbs_code: ColumnType<string | null, string | null | undefined, string | null>;
}

export type RegionRole = 'admin' | 'editor' | 'viewer';
export type MunicipalityRole = 'municipal_editor';

export interface RegionMembershipTable {
	user_id: string;
	region_id: string;
	role: RegionRole;
	created_at: ColumnType<number, number | undefined, never>;
}

export interface MunicipalityMembershipTable {
	user_id: string;
	municipality_id: string;
	role: MunicipalityRole;
	created_at: ColumnType<number, number | undefined, never>;
}

export interface LoginThrottleTable {
	/** 'account:<email>' or 'ip:<address>' */
	key: string;
	failures: Generated<number>;
	locked_until: Generated<number>;
	window_start: Generated<number>;
	checks: Generated<number>;
}

export const ACTION_STATUSES = ['not_started', 'in_progress', 'at_risk', 'done', 'ongoing', 'dropped'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export type ActionLevel = 'regional' | 'local';
export type PlanScope = 'region' | 'municipality';

export interface PlanTable {
	id: string;
	slug: string;
	region_id: string;
	municipality_id: string | null;
	scope: PlanScope;
	kind: string;
	title: string;
	subtitle: string | null;
	period_start: number;
	period_end: number;
	parent_plan_id: string | null;
	/** JSON: { chapter, chapterPlural, theme, themePlural } */
	levels: string;
	/** JSON: [{ key, label }] — rich-text sections of a theme */
	theme_sections: string;
	/** JSON: [{ key, label }] — rich-text fields of an action card, in order */
	card_template: string;
	intro_text: Generated<string>;
	archived_at: number | null;
	created_at: number;
	updated_at: number;
}

export interface ChapterTable {
	id: string;
	plan_id: string;
	position: number;
	title: string;
	archived_at: number | null;
	/** user id of who archived it (migration 0020) */
	archived_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ThemeTable {
	id: string;
	plan_id: string;
	chapter_id: string | null;
	position: number;
	number: string | null;
	title: string;
	/** projected plain text of the theme's sections */
	text: Generated<string>;
	archived_at: number | null;
	/** user id of who archived it (migration 0020) */
	archived_by: ColumnType<string | null, string | null | undefined, string | null>;
	updated_at: number;
}

export interface ThemeAmbassadorTable {
	theme_id: string;
	user_id: string;
	municipality_id: string | null;
	organisation: string | null;
}

export interface FundingSourceTable {
	id: string;
	plan_id: string;
	key: string;
	name: string;
	scope: 'regional' | 'local';
	note: string | null;
	/** the source this one is a part of (migration 0023) */
	parent_id: ColumnType<string | null, string | null | undefined, string | null>;
	/** the gemeente a local source belongs to (migration 0023) */
	municipality_id: ColumnType<string | null, string | null | undefined, string | null>;
	archived_at: ColumnType<number | null, number | null | undefined, number | null>;
	archived_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface FundingAmountTable {
	funding_source_id: string;
	year: number;
	amount: number;
}

export interface ActionTable {
	id: string;
	plan_id: string;
	theme_id: string;
	position: number;
	level: ActionLevel;
	title: string;
	status: ActionStatus;
	/** 'YYYY-MM' */
	planning_start: string | null;
	/** 'YYYY-MM' or 'ongoing' */
	planning_end: string | null;
	/** whole euros */
	cost_amount: number | null;
	funding_source_id: string | null;
	funding_note: string | null;
	lead: string | null;
	/** the gemeente the card names (projected from meta.municipalityId) */
	municipality_id: ColumnType<string | null, string | null | undefined, string | null>;
	/** JSON string[] */
	partners: Generated<string>;
	/** JSON string[] */
	tags: Generated<string>;
	progress: Generated<number>;
	/** projected plain text of all rich-text fields, for search and export */
	text: Generated<string>;
	predecessor_id: string | null;
	archived_at: number | null;
	/** user id of who archived it (migration 0020) */
	archived_by: ColumnType<string | null, string | null | undefined, string | null>;
	archive_reason: string | null;
	created_at: number;
	updated_at: number;
}

export interface LocalAdoptionTable {
	action_id: string;
	municipality_id: string;
	status: ActionStatus;
	note: Generated<string>;
	updated_at: number;
	updated_by: string | null;
	/** who wrote the note and when (migration 0024); null while it has none */
	note_updated_at: ColumnType<number | null, number | null | undefined, number | null>;
	note_updated_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A "versterken" decision's flag on an action, up until an editor clears it (migration 0024). */
export interface ActionFlagTable {
	action_id: string;
	cycle_id: string | null;
	reason: Generated<string>;
	flagged_at: number;
	cleared_at: number | null;
	cleared_by: string | null;
}

export interface IndicatorTable {
	id: string;
	plan_id: string;
	key: string;
	name: string;
	unit: string;
	source: string;
	scope: string;
	/** migration 0023 */
	description: Generated<string>;
	/** JSON array of place keys ('' whole region, 'gemeente:<id>', 'deel:<name>'), migration 0023 */
	places: Generated<string>;
	archived_at: ColumnType<number | null, number | null | undefined, number | null>;
	archived_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface IndicatorValueTable {
	indicator_id: string;
	year: number;
	value: number;
	municipality_id: string | null;
	subregion: string | null;
}

export type ThreadTargetKind = 'plan' | 'theme' | 'action';
export type ThreadStatus = 'open' | 'resolved';
export type ThreadNotificationKind = 'mention' | 'reply' | 'new_thread';
/** review_open: a cycle opened; review_reminder: sent by hand; review_deadline: the preparation deadline is near */
export type ReviewNotificationKind = 'review_open' | 'review_reminder' | 'review_deadline';
export type NotificationKind = ThreadNotificationKind | ReviewNotificationKind;

export interface ThreadTable {
	id: string;
	plan_id: string;
	target_kind: ThreadTargetKind;
	target_id: string;
	/** the theme of a theme or action target; null for the plan */
	theme_id: string | null;
	/** rich-text field of an anchored thread */
	field: string | null;
	/** base64 of Y.encodeRelativePosition */
	anchor_start: string | null;
	anchor_end: string | null;
	/** the anchored passage as it read when the thread started */
	quote: string | null;
	author_id: string;
	status: Generated<ThreadStatus>;
	resolved_by: string | null;
	resolved_at: number | null;
	created_at: number;
	updated_at: number;
}

export interface CommentTable {
	id: string;
	thread_id: string;
	author_id: string;
	/** plain text with light Markdown; '' once deleted */
	body: string;
	created_at: number;
	edited_at: number | null;
	deleted_at: number | null;
	deleted_by: string | null;
}

export interface CommentMentionTable {
	comment_id: string;
	user_id: string;
}

export interface NotificationTable {
	id: string;
	user_id: string;
	kind: NotificationKind;
	/** exactly one of thread_id and cycle_id is set */
	thread_id: string | null;
	cycle_id: ColumnType<string | null, string | null | undefined, string | null>;
	comment_id: string | null;
	actor_id: string;
	created_at: number;
	read_at: number | null;
	/** when it went out by e-mail (immediately or in a digest); null: not (yet) */
	mailed_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export const VERDICTS = ['keep', 'strengthen', 'renew', 'drop'] as const;
export type Verdict = (typeof VERDICTS)[number];
export type CycleStatus = 'draft' | 'open' | 'closed';

export interface ReviewCycleTable {
	id: string;
	plan_id: string;
	year: number;
	title: string;
	status: CycleStatus;
	facilitator_id: string | null;
	session_date: number | null;
	prep_deadline: number | null;
	current_action_id: string | null;
	version_id: string | null;
	created_by: string;
	created_at: number;
	opened_at: number | null;
	closed_at: number | null;
	/** when the automatic reminder before prep_deadline went out */
	deadline_reminded_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface ReviewTable {
	cycle_id: string;
	action_id: string;
	status: ActionStatus;
	achieved: string;
	progress_note: string;
	bottlenecks: string;
	proposed_verdict: Verdict;
	reason: string;
	author_id: string;
	updated_at: number;
}

export interface ReviewVoteTable {
	cycle_id: string;
	action_id: string;
	user_id: string;
	verdict: Verdict;
	opinion: string;
	updated_at: number;
}

export interface ReviewDecisionTable {
	cycle_id: string;
	action_id: string;
	verdict: Verdict | null;
	/** 1: "besluit later", confirmed by the facilitator */
	deferred: number;
	decision_text: string;
	/** 1: "versterken", the action's text needs an update */
	flagged: number;
	successor_action_id: string | null;
	decided_by: string;
	decided_at: number;
}

export interface PlanVersionTable {
	id: string;
	plan_id: string;
	cycle_id: string | null;
	label: string;
	adopted_at: number;
	/** JSON PlanSnapshot (src/lib/server/version.ts); never changed after insert */
	snapshot: string;
	created_by: string;
	created_at: number;
}

export interface VersionPublicationTable {
	version_id: string;
	/** the public link's secret part (160 bits, base32) */
	token: string;
	published_by: string;
	published_at: number;
}

export type AuditResult = 'success' | 'failure';

export interface AuditLogTable {
	id: Generated<number>;
	at: number;
	actor_id: string | null;
	/** the actor's name at the time (the account may be renamed or deactivated later) */
	actor_name: string | null;
	/** a dotted event name, e.g. 'login', 'login.failed', 'invitation.created' (src/lib/server/audit.ts) */
	action: string;
	object_type: string | null;
	object_id: string | null;
	/** a readable name of the object at the time (a plan's title, an invited e-mail address) */
	object_label: string | null;
	/** the region the event belongs to; null for instance-wide events */
	region_id: string | null;
	result: AuditResult;
	/** the client address the request came from */
	origin: string | null;
	/** JSON of structured facts (a role, a count); never passwords, tokens or typed text */
	detail: string | null;
}

export type AccountTokenKind = 'password_reset' | 'email_change';

/** Single-use links sent by mail; only the token's hex SHA-256 is stored. */
export interface AccountTokenTable {
	id: string;
	kind: AccountTokenKind;
	user_id: string;
	/** the address an e-mail change goes to */
	new_email: string | null;
	created_at: number;
	expires_at: number;
	used_at: number | null;
}

export interface UserMfaTable {
	user_id: string;
	/** the TOTP key, base32; never logged */
	secret: string;
	created_at: number;
	/** null while enrolment waits for the first code */
	enabled_at: number | null;
	/** the last accepted TOTP time step, so a code is accepted only once */
	last_step: Generated<number>;
}

export interface MfaRecoveryCodeTable {
	user_id: string;
	/** hex SHA-256 of the normalised code */
	code_hash: string;
	created_at: number;
	used_at: number | null;
}

/** A sign-in whose password was right and that still waits for its second factor (or enrolment). */
export interface MfaPendingLoginTable {
	/** hex SHA-256 of the cookie's token */
	id: string;
	user_id: string;
	redirect_to: string;
	created_at: number;
	expires_at: number;
}

export type InvitationRole = RegionRole | 'municipal_editor' | 'ambassador';

export interface InvitationTable {
	id: string;
	/** hex SHA-256 of the link's token; the token itself is never stored */
	token_hash: string;
	/** normalized (trimmed, lower case) */
	email: string;
	region_id: string;
	role: InvitationRole;
	/** set exactly when role is municipal_editor: a gemeente of the region */
	municipality_id: string | null;
	/** set exactly when role is ambassador: a theme of a plan of the region */
	theme_id: string | null;
	/** an existing account-less user row (an ambassador without account) that accepting links to */
	user_id: string | null;
	invited_by: string;
	created_at: number;
	/** 14 days after creating or resending */
	expires_at: number;
	accepted_at: number | null;
	accepted_by: string | null;
	withdrawn_at: number | null;
}

export interface SetupTokenTable {
	/** hex SHA-256 of the token in /installatie/<token>; the token itself is never stored */
	token_hash: string;
	/** null: the first-start link (only while no account exists); set: made by the CLI for this address */
	email: string | null;
	created_at: number;
	expires_at: number | null;
	used_at: number | null;
	used_by: string | null;
}

export interface LoginDeviceTable {
	/** hex SHA-256 of the device cookie's token */
	id: string;
	user_id: string;
	created_at: number;
	last_used_at: number;
}

export interface HealthProbeTable {
	id: number;
	at: number;
}

export interface UnsubscribeTokenTable {
	/** hex SHA-256 of the link's token */
	id: string;
	user_id: string;
	created_at: number;
}

/** A college's decision on a frozen version (migration 0026). */
export type AdoptionDecision = 'adopted' | 'deferred' | 'rejected';

export interface VersionAdoptionTable {
	version_id: string;
	municipality_id: string;
	decision: AdoptionDecision;
	/** 'YYYY-MM-DD', within the plan's period */
	decided_on: string;
	/** the B&W-besluit's reference */
	reference: string;
	document_url: string | null;
	council_informed: number;
	recorded_by: string;
	recorded_at: number;
}

export type ResponseBody = 'council' | 'committee';
export type ResponseOutcome = 'processed' | 'partly' | 'not';

/** A council response (zienswijze) on a version (migration 0026). */
export interface CouncilResponseTable {
	id: string;
	version_id: string;
	municipality_id: string;
	body: ResponseBody;
	text: string;
	/** 'YYYY-MM-DD' */
	received_on: string;
	answer: string;
	outcome: ResponseOutcome | null;
	outcome_reason: string;
	position: number;
	created_by: string;
	created_at: number;
	updated_at: number;
}

export interface CouncilResponseLinkTable {
	response_id: string;
	target_kind: 'theme' | 'action';
	target_id: string;
}

/** A theme or action in focus for a plan's year (migration 0026). */
export interface PlanFocusTable {
	plan_id: string;
	year: number;
	target_kind: 'theme' | 'action';
	target_id: string;
}

/** How often a plan's ambassadors are asked for a check-in (migration 0027). */
export type CheckinRhythm = 'off' | 'month' | 'quarter' | 'half_year';

export interface CheckinScheduleTable {
	plan_id: string;
	rhythm: CheckinRhythm;
	updated_by: string;
	updated_at: number;
}

/** One asking of a plan's ambassadors: `period` ('2026-Q4') when automatic, null when started by hand. */
export interface CheckinRoundTable {
	id: string;
	plan_id: string;
	period: string | null;
	started_by: string | null;
	started_at: number;
}

/** An ambassador's update on a theme; `statuses` is JSON [{ actionId, status, previous }]. */
export interface CheckinTable {
	id: string;
	plan_id: string;
	theme_id: string;
	round_id: string | null;
	author_id: string;
	happened: string;
	next: string;
	help: string;
	statuses: string;
	created_at: number;
}

/** The inbox item asking one ambassador for one theme's check-in in a round. */
export interface CheckinRequestTable {
	id: string;
	round_id: string;
	plan_id: string;
	theme_id: string;
	user_id: string;
	actor_id: string | null;
	created_at: number;
	read_at: number | null;
	answered_at: number | null;
	mailed_at: number | null;
}

/** Yjs documents (migrations 0004 and 0022); written by server/collab/store.ts only, read by src/lib/server/history.ts. */
export interface CollabDocumentTable {
	id: number;
	name: string;
	state: Uint8Array | null;
	compacted_at: number | null;
	/** the seq up to which `state` folds the updates */
	state_seq: Generated<number>;
	/** the whole document at head_seq, when a compaction kept updates for running history sessions (migration 0033) */
	head_state: Uint8Array | null;
	head_seq: Generated<number>;
}

export interface CollabUpdateTable {
	/** doc_id << 32 | seq (migration 0031); never read into JavaScript, where it may not fit a double exactly */
	id: number;
	/** generated from id */
	doc_id: Generated<number>;
	seq: Generated<number>;
	data: Uint8Array;
	created_at: number | null;
	/** space-separated user ids of the flush's senders; null: a change of the server */
	author_ids: string | null;
}

/** One editing session of one author on one document (migration 0022). */
export interface CollabHistoryTable {
	id: Generated<number>;
	doc_id: number;
	user_id: string | null;
	started_at: number;
	ended_at: number;
	seq_from: number;
	seq_to: number;
	/** the whole document after seq_to; written before compaction deletes the updates up to there */
	snapshot: Uint8Array | null;
	/** how `snapshot` is stored: 0 as it is, 1 raw-deflated (history-snapshot.ts) */
	snapshot_format: Generated<number>;
}
