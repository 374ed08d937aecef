/**
 * One benchmark result (docs/operations.md#local-stack): with --json, one JSON object per line. `calls` counts the
 * scenario's unit of work (Google data calls, or messages published for the fan-out) and
 * `lowerBound` is the fewest a correct implementation can make, so calls/lowerBound is its economy.
 */
export interface Result {
  scenario: string;
  calls: number;
  lowerBound: number;
  wallMs: number;
  peakRssMiB: number;
  [extra: string]: unknown;
}

export function report(result: Result, json: boolean): void {
  if (json) console.log(JSON.stringify(result));
  else
    console.log(
      `${result.scenario.padEnd(28)} ${String(result.wallMs).padStart(7)} ms ${String(result.peakRssMiB).padStart(6)} MiB` +
        (result.lowerBound ? `  ${result.calls}/${result.lowerBound} calls` : ''),
    );
}

export const mebibytes = (bytes: number) => Math.round(bytes / 1024 / 1024);
