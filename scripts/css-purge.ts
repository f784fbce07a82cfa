import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import purgeCSSPlugin from '@fullhuman/postcss-purgecss';
import type { AcceptedPlugin, Plugin } from 'postcss';

/**
 * Send only the CSS the pages use. src/app.css pulls in the NL Design System example theme (a design
 * token for every component of every NL Design System library, ~200 KB) and the Utrecht and candidate
 * component stylesheets; PurgeCSS keeps the rules whose classes appear in Kring's source and the
 * custom properties those rules read (transitively). Kring's own rules in app.css sit between
 * `purgecss start/end ignore` comments and are kept as written. Svelte component styles are scoped
 * and small, so the purge runs on src/app.css only: elsewhere a custom property set in one component
 * and read in another would look unused. Only `vite build` purges (NODE_ENV=production): the dev server
 * would not re-run it when a component starts using another class.
 */
const src = fileURLToPath(new URL('../src', import.meta.url));
const sourceFile = /\.(svelte|ts|js|html)$/;

/** Classes that only exist once a value is filled in (class="utrecht-alert--{type}"). */
const dynamicClasses = [/^utrecht-alert--/, /^nl-heading--level-/, /^nl-button--/];
/**
 * Attribute selectors of the component CSS kept whatever the source shows: their values are state or
 * props set at runtime (inputmode={inputmode}, aria-pressed={on}), and `inputMode` is spelt with a
 * capital in the CSS but not in the HTML.
 */
const dynamicAttributes = ['aria-disabled', 'aria-invalid', 'aria-pressed', 'hidden', 'inputMode', 'multiple', 'pattern', 'type'];

/** Every custom property Kring's source names: component and inline styles read or set them. */
function customPropertiesInSource(): string[] {
	const names = new Set<string>();
	for (const entry of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
		if (!sourceFile.test(entry) || entry.startsWith(join('lib', 'paraglide'))) continue;
		for (const match of readFileSync(join(src, entry), 'utf8').matchAll(/--[a-z][a-z0-9-]*[a-z0-9]/g)) names.add(match[0]);
	}
	return [...names];
}

export function purgeAppCss(): AcceptedPlugin {
	const purge = purgeCSSPlugin({
		content: [`${src}/**/*.{svelte,ts,js,html}`],
		skippedContentGlobs: [`${src}/lib/paraglide/**`],
		safelist: {
			standard: dynamicClasses,
			// Kring's tokens and the --basis-* tokens they are defined on stay whole, so a gemeente's theme can set them
			variables: [/^--kring-/, /^--basis-/, ...customPropertiesInSource()]
		},
		dynamicAttributes,
		variables: true
	}) as Plugin;
	return {
		postcssPlugin: 'kring-purge-app-css',
		OnceExit(root, helpers) {
			const file = root.source?.input.file ?? '';
			if (process.env.NODE_ENV !== 'production' || !file.endsWith(join('src', 'app.css'))) return;
			return purge.OnceExit?.(root, helpers);
		}
	};
}
