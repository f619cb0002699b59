/**
 * Model names and versions as they may appear in a URL path segment: letters, digits, "_", "-", "." and
 * not starting with a dot, so "..", "%2e%2e" or a slash can never be one. Names are only ever looked up
 * among the configured models, never turned into paths.
 */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export const isValidName = (s: string) => NAME_PATTERN.test(s);
