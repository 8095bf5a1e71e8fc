/** Circuit cutting's public API (see docs/architecture.md). */
export {};
