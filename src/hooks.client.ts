import type { HandleClientError } from '@sveltejs/kit';

/**
 * Without network, a client-side navigation cannot fetch its data
 * (__data.json) unless the service worker kept it. Then the page is loaded in
 * full instead: the service worker answers with its kept copy of that page or
 * with the offline page (docs/offline.md), rather than a bare error.
 */
export const handleError: HandleClientError = ({ error, event, message }) => {
	const networkFailure = error instanceof TypeError && /fetch|network|load failed/i.test(error.message);
	if (networkFailure && event.url.href !== location.href) location.assign(event.url.href);
	return { message };
};
