/**
 * Offline copies of documents live in IndexedDB as `kring:<documentName>`.
 * This field is sensitive, so logging out removes them from the browser.
 */
export async function clearOfflineCopies(): Promise<void> {
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
