/** Reading a reference file fetched by the browser conformance page. */

/** The reference file's JSON text: gunzipped when gzipped, as is when plain JSON, else an error. */
export async function fixtureText(file: string, bytes: Uint8Array): Promise<string> {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    return new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
  }
  const text = new TextDecoder().decode(bytes);
  if (/^\s*\{/.test(text)) return text;
  const what = /^\s*<(!doctype|html)/i.test(text) ? 'an HTML page' : 'neither gzip nor JSON';
  throw new Error(`${file}: got ${what}, not the reference file (the server must serve test/fixtures/ at /fixtures/)`);
}
