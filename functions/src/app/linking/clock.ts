/**
 * The time the linking flow reads (issuing and checking `state`). Replaceable so tests can issue a
 * state "eleven minutes ago" without waiting; nothing else should assign it.
 */
export const linkingClock = { now: (): Date => new Date() };
