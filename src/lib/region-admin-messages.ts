import { m } from '$lib/paraglide/messages';
import type { Refusal } from '$lib/server/region-admin';

/** The Dutch message for a refused region or gemeente change, and its HTTP status. */
export function regionAdminRefusal(refusal: Refusal, context: { slug?: string } = {}): { status: 400 | 403 | 404; message: string } {
	switch (refusal.error) {
		case 'forbidden':
			return { status: 403, message: m.admin_regions_error_forbidden() };
		case 'not_found':
			return { status: 404, message: m.admin_regions_error_not_found() };
		case 'name_empty':
			return { status: 400, message: m.admin_regions_error_name_empty() };
		case 'name_too_long':
			return { status: 400, message: m.admin_regions_error_name_too_long() };
		case 'slug_empty':
			return { status: 400, message: m.admin_regions_error_slug_empty() };
		case 'slug_taken':
			return { status: 400, message: m.admin_regions_error_slug_taken({ path: `/regios/${context.slug ?? ''}` }) };
		case 'already_in_region':
			return { status: 400, message: m.admin_regions_error_already_in_region() };
		case 'other_region':
			return { status: 400, message: m.admin_regions_error_other_region({ region: refusal.regionName ?? '' }) };
		case 'not_in_region':
			return { status: 400, message: m.admin_regions_error_not_in_region() };
	}
}
