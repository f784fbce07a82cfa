import { getRuntime } from '$lib/server/runtime';
import type { PageServerLoad } from './$types';

/** The accessibility statement; public. CONTACT_EMAIL, when set, is where problems go. */
export const load: PageServerLoad = () => ({ contactEmail: getRuntime().ops.contactEmail });
