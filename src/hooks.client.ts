import { navigating } from '$app/state';
import type { HandleClientError } from '@sveltejs/kit';

/**
 * When the network is gone but the browser does not know it yet, a
 * client-side navigation fails to fetch its data (__data.json) unless the
 * service worker kept it. Then the page is loaded in full instead: the
 * service worker answers with its kept copy of that page or with the offline
 * page (docs/offline.md), rather than a bare error. Only for the navigation
 * under way — a failed preload on hover is no reason to leave the page.
 * (While the browser knows it is offline, $lib/offline/navigation does this before loading.)
 */
export const handleError: HandleClientError = ({ error, event, message }) => {
	const networkFailure = error instanceof TypeError && /fetch|network|load failed/i.test(error.message);
	const target = navigating.to?.url.href;
	if (networkFailure && target === event.url.href && target !== location.href) location.assign(target);
	return { message };
};
