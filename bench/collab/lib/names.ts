/**
 * Document names. Every phase of every server takes fresh names from its own
 * pool, in the same order for every server, so no phase sees content left by
 * another. Kring only accepts names of actions that exist in its database; its
 * benchmark database holds `action:bench00000` … (servers/kring.ts).
 */
export class DocPool {
	private next = 0;
	constructor(private limit = Infinity) {}
	take(n: number): string[] {
		if (this.next + n > this.limit) throw new Error(`document pool exhausted (${this.limit})`);
		const names: string[] = [];
		for (let i = 0; i < n; i++) names.push(`action:bench${String(this.next++).padStart(5, '0')}`);
		return names;
	}
	one(): string {
		return this.take(1)[0];
	}
}
