/** The optimize layer's public API (see docs/architecture.md). */
export {};
