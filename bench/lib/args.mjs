// Command line of `npm run bench -- [options]`.
import { parseArgs } from 'node:util';

export function usage(suiteNames) {
  return `npm run bench -- [--quick] [--only a,b] [--skip a,b] [--models a,b] [--test-model manifest] [--machine name] [--out dir]

  --quick          only the small test models (models/test-tiny), fewer repetitions: under 2 minutes
  --only a,b       run only these suites (${suiteNames.join(', ')})
  --skip a,b       leave these suites out
  --test-model m   the small model's manifest (default models/test-tiny/manifest.json)
  --models a,b     only these models' suites (test-tiny, medsam-shaped, litemedsam-shaped); encoder-pair still
                   uses both representative models
  --machine name   name used in the result file (default: CPU model and cores, e.g. amd-epyc-2c)
  --out dir        where the JSON goes (default bench/results)`;
}

export function parseBenchArgs(argv, suiteNames) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      skip: { type: 'string' },
      machine: { type: 'string' },
      'test-model': { type: 'string' },
      models: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const list = (s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
  const only = list(values.only);
  const skip = list(values.skip);
  for (const name of [...only, ...skip]) {
    if (!suiteNames.includes(name)) throw new Error(`unknown suite "${name}"; suites: ${suiteNames.join(', ')}`);
  }
  return {
    help: values.help ?? false,
    quick: values.quick,
    suites: suiteNames.filter((s) => (only.length ? only.includes(s) : true) && !skip.includes(s)),
    machine: values.machine,
    testModel: values['test-model'],
    models: values.models ? list(values.models) : undefined,
    out: values.out,
  };
}
