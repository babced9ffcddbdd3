/** Reads the data Node embedded in the page (gzip + base64, or plain JSON). Nothing is fetched. */
export async function loadEmbedded<T>(): Promise<T> {
  const el = document.getElementById('reckon-data');
  if (!el) throw new Error('no embedded data (#reckon-data) in this page');
  const text = (el.textContent ?? '').trim();
  if (el.dataset.encoding !== 'gzip+base64') return JSON.parse(text) as T;
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  const json = await new Response(stream).text();
  el.textContent = '';
  return JSON.parse(json) as T;
}
