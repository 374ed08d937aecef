/**
 * CRC32C (Castagnoli), the checksum Secret Manager uses for `SecretPayload.dataCrc32c`
 * (https://cloud.google.com/secret-manager/docs/reference/rest/v1/SecretPayload, docs/google-apis.md#secret-manager-and-cloud-scheduler).
 * Table-driven, reflected polynomial 0x82F63B78, so no native dependency is needed.
 */
const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** The unsigned 32-bit CRC32C of `data` (check value: "123456789" → 0xE3069283). */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
