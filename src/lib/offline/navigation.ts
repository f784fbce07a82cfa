import { beforeNavigate } from '$app/navigation';

/**
 * Without network, a client-side navigation would need data (__data.json)
 * the service worker has not kept, and SvelteKit would show its error page.
 * While the browser says it is offline, a link loads its page in full
 * instead: the service worker answers with the kept copy of that page or with
 * the offline page (docs/offline.md). Call once, from a component of the root layout.
 */
export function loadInFullWhenOffline(): void {
	beforeNavigate(({ to, cancel, willUnload }) => {
		if (willUnload || navigator.onLine || !to?.url || to.url.origin !== location.origin) return;
		cancel();
		location.assign(to.url.href);
	});
}
