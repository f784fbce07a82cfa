import type { Session, SessionUser } from '$lib/server/session';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: Session | null;
			/** this request's id (x-request-id; on every log line of the request) */
			requestId: string;
		}
		interface Error {
			message: string;
			/** true: the failure was the disk or database file (nothing was saved) */
			storage?: boolean;
		}
	}
}

export {};
