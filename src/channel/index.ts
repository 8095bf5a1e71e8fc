/** The channel layer's public API (see docs/architecture.md). */
export {};
