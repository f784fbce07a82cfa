/**
 * Whether focus may still be moved to something that appears a moment after
 * the person asked for it (a new thread, once the server and the live stream
 * have answered). Only while they have not moved on: focus is nowhere (the
 * form they sent is gone) or still inside `within`. Someone who clicked into
 * the text in the meantime keeps typing there instead of losing their keys.
 */
export function focusStillHere(within: Element | null | undefined): boolean {
	const active = document.activeElement;
	return !active || active === document.body || (!!within && within.contains(active));
}
