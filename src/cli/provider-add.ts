/** `hero-team provider add NAME --type T --base-url URL --key-env VAR`: a custom provider of one of Kimi's types. */
import { ENV_NAME_RE, PROVIDER_TYPES } from '../desired/schema.ts';
import { InputError } from '../errors.ts';
import { addProvider } from './catalog-store.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';

/** Add a provider to the catalog. */
export const providerAdd = defineCommand({
  name: 'provider add',
  summary: "add a custom provider: Kimi's type, base URL, and the NAME of the variable holding its key",
  usage: 'NAME --type T --base-url URL --key-env VAR',
  description:
    'The key itself goes in the environment or in $HERO_TEAM_HOME/secrets.env (VAR=value); the store keeps only its name.',
  options: {
    type: { type: 'string', value: 'T', description: `one of ${PROVIDER_TYPES.join(', ')}` },
    'base-url': { type: 'string', value: 'URL', description: 'the API base URL (http or https)' },
    'key-env': {
      type: 'string',
      value: 'VAR',
      description: 'name of the environment variable holding the key (e.g. OPENROUTER_API_KEY)',
    },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    'provider add openrouter --type openai_legacy --base-url https://openrouter.ai/api/v1 --key-env OPENROUTER_API_KEY',
  ],
  async run({ values, positionals, io, config }) {
    const name = positionals[0]!;
    for (const flag of ['type', 'base-url', 'key-env'] as const)
      if (values[flag] === undefined)
        throw new InputError(flag, `--${flag} is required; see "hero-team provider add --help"`);
    const type = values.type!;
    if (!(PROVIDER_TYPES as readonly string[]).includes(type))
      throw new InputError('type', `unknown provider type "${type}"; Kimi accepts ${PROVIDER_TYPES.join(', ')}`);
    const baseUrl = values['base-url']!;
    // The value is not echoed: a key pasted in the wrong place must not reach the terminal or a log.
    if (!/^https?:\/\/[^\s]+$/.test(baseUrl) || !URL.canParse(baseUrl))
      throw new InputError('base-url', '--base-url must be an http(s) URL (the value given is not shown)');
    const url = new URL(baseUrl);
    if (url.username || url.password)
      throw new InputError(
        'base-url',
        '--base-url must not carry credentials (user:key@): the store keeps only the NAME of the key variable (--key-env)',
      );
    const keyEnv = values['key-env']!;
    if (!ENV_NAME_RE.test(keyEnv))
      throw new InputError(
        'key-env',
        `--key-env takes the NAME of a variable (like OPENROUTER_API_KEY), never the key itself`,
      );
    await addProvider(config, name, { type: type as (typeof PROVIDER_TYPES)[number], baseUrl, apiKeyEnv: keyEnv });
    out(
      io,
      `provider "${name}" added; put ${keyEnv}=... in the environment or in ${config.paths.home}/secrets.env, then add a model: "hero-team model add ALIAS --provider ${name} --model-id ID --context N"`,
    );
    return EXIT.ok;
  },
});
