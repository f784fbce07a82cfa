import { DEVICE_MAX_AGE_DAYS } from '$lib/server/login-device';
import { getRuntime } from '$lib/server/runtime';
import type { PageServerLoad } from './$types';

/** The privacy statement; public. Retention figures come from this installation's configuration. */
export const load: PageServerLoad = () => {
	const { ops, sessionPolicy } = getRuntime();
	return {
		contactEmail: ops.contactEmail,
		auditRetentionDays: ops.auditRetentionDays,
		idleHours: Math.round((sessionPolicy.idleTimeoutMs / 3_600_000) * 10) / 10,
		absoluteDays: Math.round((sessionPolicy.absoluteTimeoutMs / 86_400_000) * 10) / 10,
		deviceDays: DEVICE_MAX_AGE_DAYS
	};
};
