/** The governance layer's public API (see docs/architecture.md). */
export {};
