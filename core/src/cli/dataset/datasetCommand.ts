// Entry of `medsam dataset` (the other commands live in medsam.ts): its own options, usage and exit status.
import { EXIT, exitCodeFor } from '../exitCodes';
import { DATASET_USAGE, parseDatasetOptions } from './datasetOptions';
import { runDataset } from './runDataset';
import { SourceUnavailableError } from './source';

async function run(argv: readonly string[]): Promise<void> {
  const options = parseDatasetOptions(argv);
  const summary = await runDataset(options, (line) => process.stderr.write(`${line}\n`));
  if (options.json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  console.log(`${summary.cases} cases, ${summary.slices} slices in ${summary.out} (${summary.casesWritten} written, ${summary.casesKept} kept from an earlier run)`);
  console.log(`embeddings: ${summary.encoder} via ${summary.backend}, ${summary.timingsMs.perSlice} ms per slice`);
  console.log(`split by patient: ${summary.split.train.length} training, ${summary.split.validation.length} validation`);
  if (summary.skipped.length) console.log(`${summary.skipped.length} objects skipped (listed in dataset.json)`);
}

export async function datasetMain(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(DATASET_USAGE);
    return EXIT.ok;
  }
  try {
    await run(argv);
    return EXIT.ok;
  } catch (e) {
    const code = exitCodeFor(e);
    const resume = e instanceof SourceUnavailableError ? ' (the cases written so far are whole; run the same command again to resume)' : '';
    console.error(`medsam dataset: ${e instanceof Error ? e.message : String(e)}${resume}`);
    if (code === EXIT.usage) console.error(DATASET_USAGE);
    return code;
  }
}
