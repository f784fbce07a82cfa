// Shapes of the hand-curated demo data in server/demo/ (regions.json and plans/*.json).
// Types only — no runtime code. The seeder reads the JSON and fills the database on first start.

// ---------------------------------------------------------------------------
// regions.json

export interface DemoRegionsFile {
	regions: DemoRegion[];
}

export interface DemoRegion {
	slug: string; // e.g. "noord-oost-gelderland"
	name: string; // e.g. "Noord-Oost Gelderland"
	centrumgemeente: string; // slug of the municipality that is centrumgemeente (vrouwenopvang)
	subregions?: string[]; // optional sub-regions used by indicator values, e.g. ["Regio Arnhem", "Achterhoek"]
	municipalities: DemoMunicipality[];
}

export interface DemoMunicipality {
	slug: string; // lowercase ascii, e.g. "oude-ijsselstreek"
	name: string; // as written in the documents, e.g. "Oude IJsselstreek"
	subregion?: string; // one of the region's subregions
}

// ---------------------------------------------------------------------------
// Rich text: a tiny subset that maps 1:1 to Tiptap/ProseMirror nodes.

export type Blocks = Block[];

export type Block =
	| { type: 'paragraph'; text: string } // plain text; **bold** only where the source bolds
	| { type: 'heading'; level: 3 | 4; text: string }
	| { type: 'bulletList'; items: string[] } // items are plain text (may contain **bold**)
	| { type: 'orderedList'; items: string[] };

// ---------------------------------------------------------------------------
// plans/<slug>.json

export type PlanKind = 'uitvoeringsagenda' | 'regiovisie' | 'actieprogramma' | 'uitvoeringsplan';

export type ActionStatus = 'not_started' | 'in_progress' | 'at_risk' | 'done' | 'ongoing' | 'dropped';

export interface DemoPlan {
	slug: string; // same as the file name without .json
	kind: PlanKind;
	title: string; // e.g. "Samen tegen huiselijk geweld — Uitvoeringsagenda 2024-2028"
	subtitle?: string;
	scope: 'region' | 'municipality';
	region: string; // region slug
	municipality?: string; // municipality slug when scope = 'municipality'
	parentPlan?: string; // slug of the regional plan a local plan falls under
	periodStart: number; // year
	periodEnd: number; // year
	levels: {
		chapter: string; // Dutch word the plan uses for a chapter, e.g. "hoofdstuk", "onderdeel"
		chapterPlural: string;
		theme: string; // e.g. "thema", "speerpunt", "vertrekpunt", "doelstelling"
		themePlural: string;
	};
	themeSections: { key: string; label: string }[]; // rich-text sections of a theme, in order
	cardTemplate: { key: string; label: string }[]; // rich-text fields of an action card, in order (keys snake_case English, labels Dutch)
	intro: Blocks; // the plan's introduction (inleiding, visie, financiën, …)
	chapters: DemoChapter[]; // a plan without chapters has ONE chapter with title ""
	indicators?: DemoIndicator[];
	fundingSources?: DemoFundingSource[];
}

export interface DemoChapter {
	title: string;
	intro?: Blocks;
	themes: DemoTheme[];
}

export interface DemoTheme {
	number?: string; // as the document numbers it: "1", "4" … (absent when the document does not number it)
	title: string;
	sections: Record<string, Blocks>; // keyed by themeSections[].key; a key may be absent when the source has no text for it
	ambassadors?: DemoAmbassador[]; // invented people (the documents name real officials)
	actions: DemoAction[]; // ordered as in the document; may be empty
}

export interface DemoAmbassador {
	name: string; // invented Dutch name
	municipality?: string; // municipality slug
	organisation?: string; // e.g. "Gemeente Voorst"
	topic?: string; // sub-theme the ambassador covers when the document names one, e.g. "Conflictscheidingen"
	email: string; // voornaam.achternaam@<gemeente-slug>.example, or a fixed demo login (ambassadeur@kring.example)
}

export interface DemoAction {
	level: 'regional' | 'local';
	title: string; // the document's wording
	status: ActionStatus; // plausible demo status (invented)
	fields: Record<string, Blocks>; // keyed by cardTemplate[].key; fields the source has nothing for are omitted
	planningStart?: string; // 'YYYY-MM'
	planningEnd?: string | 'ongoing'; // 'YYYY-MM' or 'ongoing' (doorlopend)
	costAmount?: number; // euro, integer, only when the source names an amount
	fundingSource?: string; // key of a fundingSources entry of the same plan
	lead?: string; // organisation or role leading it (never a person's name)
	partners?: string[]; // organisations involved
	tags?: string[]; // doelgroepen / audiences, lowercase Dutch, e.g. "kinderen", "ouderen", "professionals"
	progress?: number; // 0-100, plausible demo value (invented)
	tableRow?: number; // Samen Veilig only: row of the theme's two-column table (regionale | lokale acties);
	// a regional and local action with the same tableRow sit side by side in the source
}

export interface DemoIndicator {
	key: string;
	name: string;
	unit: string; // e.g. "aantal", "%", "aantal trajecten"
	source: string; // organisation/document the figures come from
	scope: 'region' | 'municipality';
	values: DemoIndicatorValue[]; // may be empty when the document names the indicator but gives no figures
}

export interface DemoIndicatorValue {
	year: number;
	value: number;
	municipality?: string; // municipality slug
	subregion?: string; // one of the region's subregions; neither set = whole region
}

export interface DemoFundingSource {
	key: string;
	name: string;
	scope: 'regional' | 'local';
	amounts: { year: number; amount: number }[]; // euro per year; empty when the document names no amount
	note?: string;
}
