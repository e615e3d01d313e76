/** Entry of the `sluice` command; replaced by the full CLI (issue 5). */
export async function main(argv: string[]): Promise<number> {
  if (argv.includes("--version")) {
    process.stdout.write("sluice 0.1.0\n");
    return 0;
  }
  process.stdout.write("Usage: sluice <run|validate|init|pipeline|schema> [options]\n");
  return argv.length === 0 ? 0 : 1;
}
