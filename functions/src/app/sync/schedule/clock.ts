/**
 * The time `syncTick` takes as "now" (the request's time). Replaceable so tests can tick at chosen
 * minutes without waiting; nothing else should assign it.
 */
export const tickClock = { now: (): number => Date.now() };
