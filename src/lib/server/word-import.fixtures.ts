import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';

/**
 * Word files in the shapes of the source documents, made with the `docx`
 * library, for the import's tests (Vitest and Playwright). Not used by the app.
 */

const p = (text: string) => new Paragraph({ children: [new TextRun(text)] });
const bullet = (text: string) => new Paragraph({ text, bullet: { level: 0 } });
const heading = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) => new Paragraph({ text, heading: level });

const row = (...cells: Paragraph[][]) =>
	new TableRow({ children: cells.map((children) => new TableCell({ children, width: { size: 50, type: WidthType.PERCENTAGE } })) });

function cardTable(fields: [string, string][]): Table {
	return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: fields.map(([label, text]) => row([p(label)], [p(text)])) });
}

async function pack(children: (Paragraph | Table)[], title?: string): Promise<Buffer> {
	const doc = new Document({ title, sections: [{ children }] });
	return Packer.toBuffer(doc);
}

/** Seed 000: a gemeente's plan, speerpunten as headings, each action a card table. */
export function seed000Docx(): Promise<Buffer> {
	return pack([
		new Paragraph({ text: 'Lokaal uitvoeringsplan Arnhem 2024-2028', heading: HeadingLevel.TITLE }),
		heading('Inleiding', HeadingLevel.HEADING_1),
		p('Naar aanleiding van de vastgestelde regiovisie stelt elke gemeente een eigen lokaal uitvoeringsplan op.'),
		heading('1. Lokale teams verlenen zelf hulp', HeadingLevel.HEADING_1),
		new Paragraph({ children: [new TextRun('De lokale teams hebben een '), new TextRun({ text: 'spin in het web-functie', bold: true }), new TextRun(' in buurten en wijken.')] }),
		cardTable([
			['Actie', 'Er is afstemming met de wijkteams over het toekomstscenario'],
			['Huidige stand van zaken', 'Er komt een landelijk kwaliteitskader Werken aan Veiligheid.'],
			['Omschrijving actie', 'Op basis van de zelfscan zal een scholingsprogramma worden opgezet.'],
			['Beoogd resultaat', 'De wijkteams bezitten voldoende kennis en kunde.'],
			['Regionale samenwerking', 'Nee'],
			['Wie gaat dit doen', 'Team HGKM met de Sociale Wijkteams'],
			['Planning', 'Start: 2024 Eind: 2026'],
			['Kosten en dekking', '€ 25.000 uit de decentralisatie-uitkering']
		]),
		p(''),
		cardTable([
			['Actie', 'Netwerkbijeenkomst voor ketenpartners'],
			['Huidige stand van zaken', 'Jaarlijks georganiseerd.'],
			['Omschrijving actie', 'Een bijeenkomst rond de week tegen kindermishandeling.'],
			['Planning', 'Doorlopend']
		]),
		heading('2. Eén vast gezicht', HeadingLevel.HEADING_1),
		p('De beleidsregie ligt bij de gemeenten.'),
		cardTable([
			['Actie', 'Team aandachtsfunctionarissen opzetten'],
			['Omschrijving actie', 'Intern een team aandachtsfunctionarissen huiselijk geweld opzetten.'],
			['Beoogd resultaat', 'Elke afdeling heeft een aandachtsfunctionaris.']
		])
	]);
}

/** Seed 001: a regional agenda, chapters and themes as headings, bullets, ambassadors, regional and local actions. */
export function seed001Docx(): Promise<Buffer> {
	return pack(
		[
			p('Samen tegen huiselijk geweld, uitvoeringsagenda 2024-2028.'),
			heading('Samen sterker in de regio', HeadingLevel.HEADING_1),
			heading('Sterke lokale teams', HeadingLevel.HEADING_2),
			p('Zo doen we dat'),
			bullet('We investeren in kennis van de lokale teams.'),
			bullet('We werken met één gezin, één plan.'),
			p('Ambassadeurs: Fatma Yılmaz (gemeente Apeldoorn), Pieter de Boer'),
			p('Regionale acties'),
			bullet('Regionaal scholingsaanbod voor lokale teams'),
			bullet('Een regionale expertpool'),
			p('Lokale acties'),
			bullet('Elke gemeente borgt de meldcode in het lokale team'),
			heading('Preventie', HeadingLevel.HEADING_2),
			p('Voorkomen is beter dan genezen.'),
			p('Ambassadeur: Joris van Dam'),
			p('Regionale acties'),
			bullet('Voorlichting op scholen'),
			heading('Samen met partners', HeadingLevel.HEADING_1),
			heading('Veilig Thuis', HeadingLevel.HEADING_2),
			p('Lokale acties'),
			bullet('Vaste contactpersoon voor Veilig Thuis per gemeente'),
			bullet('Jaarlijks overleg met Veilig Thuis')
		],
		'Samen tegen huiselijk geweld — Uitvoeringsagenda 2024-2028'
	);
}

/** Seed 002: vertrekpunten, each with a two-column table of regional and local actions. */
export function seed002Docx(): Promise<Buffer> {
	const twoColumns = (rows: [string[], string[]][]) =>
		new Table({
			width: { size: 100, type: WidthType.PERCENTAGE },
			rows: [row([p('Regionale acties')], [p('Lokale acties')]), ...rows.map(([regional, local]) => row(regional.map(bullet), local.map(bullet)))]
		});
	return pack([
		new Paragraph({ text: 'Samen Veilig 2019-2022', heading: HeadingLevel.TITLE }),
		heading('Vertrekpunt 1: Veiligheid voorop', HeadingLevel.HEADING_1),
		p('Ontwikkelrichting: we werken vanuit veiligheid.'),
		twoColumns([
			[['Regionaal veiligheidsteam inrichten'], ['Lokale teams werken met het veiligheidsplan', 'Aandachtsfunctionaris per team']],
			[['Gezamenlijke scholing'], []]
		]),
		heading('Vertrekpunt 2: Aandacht voor kinderen', HeadingLevel.HEADING_1),
		twoColumns([[['Kindcheck in de regio'], ['Kindcheck lokaal borgen']]])
	]);
}

/** A plain letter: no headings, no tables. */
export function noStructureDocx(): Promise<Buffer> {
	return pack([p('Beste collega,'), p('Hierbij stuur ik je de stukken voor het overleg.'), p('Groet, Sanne')]);
}

export function emptyDocx(): Promise<Buffer> {
	return pack([p('')]);
}
