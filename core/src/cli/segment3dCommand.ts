import { EXIT, exitCodeFor } from './exitCodes';
import { printSegment3dHuman, segment3d } from './segment3d';
import { parseSegment3d, SEGMENT3D_USAGE } from './segment3dOptions';

export { SEGMENT3D_USAGE };

/** `medsam segment3d …`: the exit status (see USAGE), errors in plain words on stderr. */
export async function runSegment3d(argv: readonly string[]): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
      console.log(SEGMENT3D_USAGE);
      return EXIT.ok;
    }
    const options = parseSegment3d(argv);
    const summary = await segment3d(options);
    if (options.json) console.log(JSON.stringify(summary, null, 2));
    else printSegment3dHuman(summary);
    return EXIT.ok;
  } catch (e) {
    const code = exitCodeFor(e);
    console.error(`medsam segment3d: ${e instanceof Error ? e.message : String(e)}`);
    if (code === EXIT.usage) console.error(SEGMENT3D_USAGE);
    return code;
  }
}
