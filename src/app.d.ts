import type { Session, SessionUser } from '$lib/server/session';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: Session | null;
		}
		interface Error {
			message: string;
			/** true: the failure was the disk or database file (nothing was saved) */
			storage?: boolean;
		}
	}
}

export {};
