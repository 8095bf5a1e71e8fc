/** The net6g layer's public API (see docs/architecture.md). */
export {};
