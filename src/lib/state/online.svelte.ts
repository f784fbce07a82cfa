/**
 * Whether the browser says it has a network, for a component to read as
 * `net.online`. Call during component set-up. It starts as `true` (as the
 * server rendered the page) and follows `navigator.onLine` once mounted, so
 * hydration of a page kept for offline use matches what the server wrote.
 */
export function browserOnline(): { readonly online: boolean } {
	let online = $state(true);
	$effect(() => {
		const update = () => (online = navigator.onLine);
		update();
		window.addEventListener('online', update);
		window.addEventListener('offline', update);
		return () => {
			window.removeEventListener('online', update);
			window.removeEventListener('offline', update);
		};
	});
	return {
		get online() {
			return online;
		}
	};
}
