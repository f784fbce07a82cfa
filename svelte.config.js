import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// KRING_BUILD_DIR: a separate build (and SvelteKit output) folder, so two builds on one checkout do not collide.
		adapter: adapter({ out: process.env.KRING_BUILD_DIR ? `${process.env.KRING_BUILD_DIR}/build` : 'build' }),
		...(process.env.KRING_BUILD_DIR ? { outDir: `${process.env.KRING_BUILD_DIR}/.svelte-kit` } : {}),
		// Cross-site form posts are refused in src/lib/server/request-guard.ts (with a Dutch answer).
		csrf: { trustedOrigins: ['*'] },
		csp: {
			mode: 'nonce',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				'font-src': ['self', 'data:'],
				'connect-src': ['self', 'ws:', 'wss:'],
				'frame-ancestors': ['none'],
				'form-action': ['self'],
				'base-uri': ['self'],
				'object-src': ['none']
			}
		}
	}
};

export default config;
