/**
 * How many random histories each property test runs: 1,000 in `npm test`, 10,000 with
 * `npm run test:properties` (which sets PROPERTY_RUNS).
 */
export function propertyRuns(): number {
  const runs = Number(process.env.PROPERTY_RUNS ?? 1000);
  return Number.isInteger(runs) && runs > 0 ? runs : 1000;
}
