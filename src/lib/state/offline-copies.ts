import { personalCaches } from '$lib/offline/policy';

/**
 * Offline copies of documents live in IndexedDB as `kring:<documentName>`;
 * the pages a person opened live in the service worker's `kring-pages-*`
 * caches (docs/offline.md). This is sensitive, so logging out removes both
 * from the browser (the worker also clears the pages when it sees the logout).
 */
export async function clearOfflineCopies(): Promise<void> {
	await Promise.all([clearDocuments(), clearPages()]);
}

async function clearPages(): Promise<void> {
	if (typeof caches === 'undefined') return;
	const names = personalCaches(await caches.keys());
	await Promise.all(names.map((name) => caches.delete(name)));
}

async function clearDocuments(): Promise<void> {
	if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
	const databases = await indexedDB.databases();
	await Promise.all(
		databases
			.filter((d) => d.name?.startsWith('kring:'))
			.map(
				(d) =>
					new Promise<void>((resolve) => {
						const request = indexedDB.deleteDatabase(d.name!);
						request.onsuccess = request.onerror = request.onblocked = () => resolve();
					})
			)
	);
}
